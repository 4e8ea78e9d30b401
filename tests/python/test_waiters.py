#!/usr/bin/python3
# Python: many waits on one receiver at once (issue 11). Two recv_async
# calls on one receiver used to leave the first pending for ever.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

from channel_helpers import ChannelTestCase, iterate, iterate_until
from gi.repository import Gcs, GLib, GObject


class TestWaiters(ChannelTestCase):
    def wait_all(self, start, n):
        """Calls start(callback) n times; iterates until each completed.
        Returns the callbacks' results in call order."""
        results = [None] * n
        done = []

        def make_callback(i):
            def callback(source, result, *user_data):
                results[i] = (source, result)
                done.append(i)
            return callback

        for i in range(n):
            start(make_callback(i))
        iterate_until(self, lambda: len(done) == n)
        self.assertEqual(done, list(range(n)), 'completed in call order')
        return results

    def test_two_receives(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 4)

        def send_both():
            tx.try_send(1)
            tx.try_send(2)
            return GLib.SOURCE_REMOVE
        GLib.timeout_add(5, send_both)
        results = self.wait_all(lambda callback: rx.recv_async(None, callback), 2)
        self.assertEqual([rx.recv_finish(r) for _, r in results], [1, 2])

    def test_waits_then_end(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_STRING)
        pending = []
        for _ in range(4):
            rx.recv_async(None, lambda s, r, *a: pending.append(r))
        tx.try_send('x')
        tx.close()
        iterate_until(self, lambda: len(pending) == 4)
        self.assertEqual([rx.recv_finish(r) for r in pending], ['x', None, None, None])

    def test_watch_changes(self):
        tx, rx = Gcs.watch_new(0)
        pending = []
        for _ in range(3):
            rx.changed_async(None, lambda s, r, *a: pending.append(r))
        iterate(5)
        tx.send(1)
        iterate_until(self, lambda: len(pending) == 3)
        self.assertEqual([rx.changed_finish(r) for r in pending], [True, True, True])

    def test_broadcast_receives(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 8)
        pending = []
        for _ in range(3):
            rx.recv_async(None, lambda s, r, *a: pending.append(r))
        tx.send(5)
        tx.send(6)
        tx.close()
        iterate_until(self, lambda: len(pending) == 3)
        self.assertEqual([rx.recv_finish(r) for r in pending], [5, 6, None])


if __name__ == '__main__':
    unittest.main()
