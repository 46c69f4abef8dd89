#ifndef VIDTAG_COPENBLAS_SHIM_H
#define VIDTAG_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface plus its thread controls (declared in cblas.h on Debian).
#include <cblas.h>
#endif
