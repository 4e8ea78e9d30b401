/* gcs-lock-private.h: the library's mutex, visible to ThreadSanitizer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Debian's GLib implements GMutex with inline futex code, so TSan sees no
 * lock at all and reports every access a mutex guards. Every lock of the
 * library goes through these wrappers, which tell TSan about acquisitions
 * and releases when it is on and compile to plain GMutex calls otherwise.
 */

#pragma once

#include <glib.h>

#if defined(__SANITIZE_THREAD__)
# define GCS_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define GCS_TSAN 1
# endif
#endif

#ifdef GCS_TSAN
void __tsan_mutex_create (void *addr, unsigned flags);
void __tsan_mutex_destroy (void *addr, unsigned flags);
void __tsan_mutex_pre_lock (void *addr, unsigned flags);
void __tsan_mutex_post_lock (void *addr, unsigned flags, int recursion);
int  __tsan_mutex_pre_unlock (void *addr, unsigned flags);
void __tsan_mutex_post_unlock (void *addr, unsigned flags);
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

static inline void
gcs_mutex_init (GMutex *m)
{
  g_mutex_init (m);
  __tsan_mutex_create (m, 0);
}

static inline void
gcs_mutex_clear (GMutex *m)
{
  __tsan_mutex_destroy (m, 0);
  g_mutex_clear (m);
}

static inline void
gcs_mutex_lock (GMutex *m)
{
  __tsan_mutex_pre_lock (m, 0);
  g_mutex_lock (m);
  __tsan_mutex_post_lock (m, 0, 0);
}

static inline void
gcs_mutex_unlock (GMutex *m)
{
  __tsan_mutex_pre_unlock (m, 0);
  g_mutex_unlock (m);
  __tsan_mutex_post_unlock (m, 0);
}

static inline void
gcs_cond_wait (GCond *c, GMutex *m)
{
  __tsan_mutex_pre_unlock (m, 0);
  __tsan_mutex_post_unlock (m, 0);
  g_cond_wait (c, m);
  __tsan_mutex_pre_lock (m, 0);
  __tsan_mutex_post_lock (m, 0, 0);
}

/* A hand-off through an uninstrumented GLib queue (GTask, idle source). */
# define gcs_tsan_release(addr) __tsan_release (addr)
# define gcs_tsan_acquire(addr) __tsan_acquire (addr)
#else
# define gcs_mutex_init(m)   g_mutex_init (m)
# define gcs_mutex_clear(m)  g_mutex_clear (m)
# define gcs_mutex_lock(m)   g_mutex_lock (m)
# define gcs_mutex_unlock(m) g_mutex_unlock (m)
# define gcs_cond_wait(c, m) g_cond_wait ((c), (m))
# define gcs_tsan_release(addr) ((void) 0)
# define gcs_tsan_acquire(addr) ((void) 0)
#endif
