/* bench-allocs.c: counts heap allocations, to show a path makes none per item
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The program's own malloc, calloc and realloc come first in symbol
 * lookup, so GLib's and the library's allocations go through them too;
 * they count while counting is on and hand over to glibc's. They must be
 * exported (default visibility, and the executable linked with
 * export_dynamic). Not for sanitizer builds, which have their own malloc.
 */

#include <stddef.h>

#include "bench-allocs.h"

#define EXPORTED __attribute__ ((visibility ("default")))

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);

static gint counting;
static guint64 n_allocs;

static inline void
note_alloc (void)
{
  if (__atomic_load_n (&counting, __ATOMIC_RELAXED))
    __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
}

EXPORTED void *
malloc (size_t size)
{
  note_alloc ();
  return __libc_malloc (size);
}

EXPORTED void *
calloc (size_t n,
        size_t size)
{
  note_alloc ();
  return __libc_calloc (n, size);
}

EXPORTED void *
realloc (void   *ptr,
         size_t  size)
{
  note_alloc ();
  return __libc_realloc (ptr, size);
}

void
bench_allocs_start (void)
{
  __atomic_store_n (&n_allocs, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&counting, 1, __ATOMIC_SEQ_CST);
}

guint64
bench_allocs_stop (void)
{
  __atomic_store_n (&counting, 0, __ATOMIC_SEQ_CST);
  return __atomic_load_n (&n_allocs, __ATOMIC_RELAXED);
}
