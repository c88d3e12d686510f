#include "tedge_version.h"

// TEDGE_VERSION is defined by Package.swift from the VERSION file: one source for the binaries and the .deb.
#ifndef TEDGE_VERSION
#define TEDGE_VERSION "0.0.0-unknown"
#endif

const char *tedge_version_string(void) { return TEDGE_VERSION; }
