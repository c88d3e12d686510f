#ifndef TEDGE_CSQLITE_SHIM_H
#define TEDGE_CSQLITE_SHIM_H
// SQLite, plus functions for the macros Swift cannot import (SQLITE_TRANSIENT is a cast of -1).
#include <sqlite3.h>

// Binds a copy of the bytes, so the Swift buffer need not outlive the call.
static inline int tedge_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}
static inline int tedge_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}
// sqlite3_db_config is variadic.
static inline int tedge_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
#endif
