#ifndef TEDGE_CJANSSON_SHIM_H
#define TEDGE_CJANSSON_SHIM_H
// jansson, plus functions for the macros Swift cannot import.
#include <jansson.h>

static inline json_type tedge_json_type(const json_t *value) { return json_typeof(value); }
static inline void tedge_json_decref(json_t *value) { json_decref(value); }
#endif
