#ifndef TEDGE_VERSION_H
#define TEDGE_VERSION_H

/// The package version, from the VERSION file at the package root (Package.swift passes it in).
const char *tedge_version_string(void);

#endif
