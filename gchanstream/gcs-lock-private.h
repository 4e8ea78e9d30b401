/* gcs-lock-private.h: the library's mutex and condition variable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A channel's critical sections are a few dozen instructions, taken by
 * every send and by the consumer for each batch. A plain pthread mutex,
 * which sleeps at once when contended: glibc's adaptive mutex, which spins
 * first, made W1 slower here (13 against 19 M items/s with one producer,
 * 9 against 16 with four, on 2 cores shared with other work): the
 * spinner takes the core or the lock's cache line the holder needs. What
 * did help was never to make a futex system call inside a critical
 * section (see gcs_chan_take()). pthread locks are also what
 * ThreadSanitizer understands natively; Debian's GMutex is inline futex
 * code it cannot see (shared/notes/race-detection.md).
 */

#pragma once

#include <pthread.h>
#include <glib.h>

#if defined(__SANITIZE_THREAD__)
# define GCS_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define GCS_TSAN 1
# endif
#endif

/* A hand-off to another thread through GLib (a GTask returned to its
 * context): real ordering TSan cannot see inside uninstrumented GLib. */
#ifdef GCS_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define gcs_tsan_release(addr) __tsan_release (addr)
# define gcs_tsan_acquire(addr) __tsan_acquire (addr)
#else
# define gcs_tsan_release(addr) ((void) 0)
# define gcs_tsan_acquire(addr) ((void) 0)
#endif

typedef pthread_mutex_t GcsMutex;
typedef pthread_cond_t  GcsCond;

static inline void
gcs_mutex_init (GcsMutex *m)
{
  pthread_mutex_init (m, NULL);
}

static inline void
gcs_mutex_clear (GcsMutex *m)
{
  pthread_mutex_destroy (m);
}

static inline void
gcs_mutex_lock (GcsMutex *m)
{
  pthread_mutex_lock (m);
}

static inline void
gcs_mutex_unlock (GcsMutex *m)
{
  pthread_mutex_unlock (m);
}

static inline void
gcs_cond_init (GcsCond *c)
{
  pthread_cond_init (c, NULL);
}

static inline void
gcs_cond_clear (GcsCond *c)
{
  pthread_cond_destroy (c);
}

static inline void
gcs_cond_wait (GcsCond  *c,
               GcsMutex *m)
{
  pthread_cond_wait (c, m);
}

static inline void
gcs_cond_broadcast (GcsCond *c)
{
  pthread_cond_broadcast (c);
}

/* Reference counts. GLib's g_atomic_ref_count_*() are functions in an
 * uninstrumented library, so TSan would not see the ordering that makes
 * the last unref safe; these are the same operations, visible to it. */
static inline void
gcs_ref_init (gint *ref_count)
{
  __atomic_store_n (ref_count, 1, __ATOMIC_RELAXED);
}

static inline void
gcs_ref_inc (gint *ref_count)
{
  __atomic_fetch_add (ref_count, 1, __ATOMIC_RELAXED);
}

/* TRUE when this was the last reference. */
static inline gboolean
gcs_ref_dec (gint *ref_count)
{
  return __atomic_fetch_sub (ref_count, 1, __ATOMIC_ACQ_REL) == 1;
}
