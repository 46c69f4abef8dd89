#ifndef VIDTAG_LEVELS_H
#define VIDTAG_LEVELS_H
// Internal: a level asked for by a caller, checked against the CPU (aborts on a level the CPU
// lacks, which would otherwise die of an illegal instruction).
int vidtag_checked_level(int level);

// Internal: a 1-D Winograd form asked for by a caller (VIDTAG_WINOGRAD1D_*) as a table index;
// aborts on any other value.
int vidtag_checked_form(int form);
#endif
