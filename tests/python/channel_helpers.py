# Helpers shared by the Python tests of the oneshot, watch and broadcast
# channels.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, GLib  # noqa: E402

TIMEOUT_S = 10
ERR = Gcs.channel_error_quark()


def run_loop(test, loop, timeout_s=TIMEOUT_S):
    """Runs @loop until something quits it; fails @test after timeout_s."""
    timed_out = []

    def on_timeout():
        timed_out.append(True)
        loop.quit()
        return GLib.SOURCE_REMOVE

    tid = GLib.timeout_add_seconds(timeout_s, on_timeout)
    loop.run()
    if not timed_out:
        GLib.source_remove(tid)
    test.assertFalse(timed_out, 'the main loop timed out')


def iterate(ms):
    """Runs the default main context for about @ms milliseconds."""
    loop = GLib.MainLoop()
    GLib.timeout_add(ms, loop.quit)
    loop.run()


def iterate_until(test, cond, timeout_s=TIMEOUT_S):
    """Iterates the default main context until cond() is true."""
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + timeout_s * 1000000
    while not cond():
        test.assertLess(GLib.get_monotonic_time(), deadline, 'timed out')
        ctx.iteration(True)


def wait_async(test, start):
    """Calls start(callback) and runs the loop until callback(source,
    result) fired; returns (source, result)."""
    loop = GLib.MainLoop()
    got = []

    def callback(source, result, *user_data):
        got.append((source, result))
        loop.quit()

    start(callback)
    run_loop(test, loop)
    return got[0]


def outcome(finish, result):
    """finish(result), or the GLib.Error it raised."""
    try:
        return finish(result)
    except GLib.Error as e:
        return e


def collect(test, stream):
    """Collects @stream: the list of items, or the GLib.Error."""
    source, result = wait_async(test, lambda cb: stream.collect_async(None, cb))
    return outcome(source.collect_finish, result)


class ChannelTestCase(unittest.TestCase):
    def assertChannelError(self, e, code):
        if not isinstance(e, GLib.Error):
            e = e.exception
        self.assertIsInstance(e, GLib.Error)
        self.assertEqual(e.domain, 'gcs-channel-error-quark', e)
        self.assertTrue(e.matches(ERR, code), '%s is not %s' % (e, code))

    def assertRaisesChannelError(self, code, fn, *args):
        with self.assertRaises(GLib.Error) as cm:
            fn(*args)
        self.assertChannelError(cm, code)
        return cm.exception
