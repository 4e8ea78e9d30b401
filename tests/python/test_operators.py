#!/usr/bin/python3
# Python binding tests for the operators GUI code needs (issue 15): what a
# binding user calls, with sequence items as lists and Python callbacks.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs against the build tree (tests/python/meson.build). Time operators
# are checked only where the outcome does not depend on timing (an input
# that ends at once brings the held item at once); their timing is tested
# in C on a manual clock (tests/test-operators-time.c).

import unittest

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, Gio, GLib, GObject  # noqa: E402

TIMEOUT_S = 10
IO_ERR = Gio.io_error_quark()


def collect(test, stream):
    """Collects @stream on the default main context: (items, error)."""
    loop = GLib.MainLoop()
    out = {}

    def done(source, result):
        try:
            out['items'] = source.collect_finish(result)
        except Exception as e:
            # A GLib.Error, or the exception a Python callback raised
            # (the override gives back the original object).
            out['error'] = e
        loop.quit()

    def on_timeout():
        out['timeout'] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    tid = GLib.timeout_add_seconds(TIMEOUT_S, on_timeout)
    stream.collect_async(None, done)
    loop.run()
    test.assertNotIn('timeout', out, 'the main loop timed out')
    GLib.source_remove(tid)
    return out.get('items'), out.get('error')


def assert_raised(test, error, exc_type, message=None):
    """@error is the very exception a Python callback raised (of
    @exc_type), given back by the finish call, not a GLib.Error."""
    test.assertIsInstance(error, exc_type)
    test.assertNotIsInstance(error, GLib.Error)
    if message is not None:
        test.assertIn(message, str(error))


def values(*items):
    return Gcs.Stream.from_values(list(items))


def iterate_until(test, cond):
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + TIMEOUT_S * 1000000
    while not cond():
        test.assertLess(GLib.get_monotonic_time(), deadline, 'timed out')
        ctx.iteration(True)


class Row(GObject.Object):
    def __init__(self, n):
        super().__init__()
        self.n = n


class TestSequences(unittest.TestCase):
    def test_enumerate_items_are_lists(self):
        items, error = collect(self, values('a', 'b').enumerate())
        self.assertIsNone(error)
        self.assertEqual(items, [[0, 'a'], [1, 'b']])

    def test_pairwise(self):
        items, _ = collect(self, values(1, 2, 3).pairwise())
        self.assertEqual(items, [[1, 2], [2, 3]])

    def test_start_with(self):
        items, _ = collect(self, values(2, 3).start_with(1))
        self.assertEqual(items, [1, 2, 3])
        items, _ = collect(self, values('b').start_with('a'))
        self.assertEqual(items, ['a', 'b'])

    def test_map_while(self):
        items, _ = collect(self, values(1, 2, 3, 1).map_while(
            lambda v: v * 10 if v < 3 else None))
        self.assertEqual(items, [10, 20])

    def test_map_while_user_data_and_exception(self):
        items, _ = collect(self, values(1, 2).map_while(lambda v, k: v + k, 100))
        self.assertEqual(items, [101, 102])
        _, error = collect(self, values(1).map_while(lambda v: 1 // 0))
        assert_raised(self, error, ZeroDivisionError)

    def test_map_while_tuples_are_sequences(self):
        items, _ = collect(self, values(1, 2, 3).map_while(
            lambda v: (v, str(v)) if v < 3 else None))
        self.assertEqual(items, [[1, '1'], [2, '2']])


class TestCombining(unittest.TestCase):
    def test_combine_latest(self):
        a = values(1)
        b = values('x', 'y')
        items, error = collect(self, Gcs.Stream.combine_latest([a, b]))
        self.assertIsNone(error)
        self.assertEqual(items, [[1, 'x'], [1, 'y']])

    def test_with_latest_from(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 8)
        clicks = Gcs.ReceiverStream.new(rx)
        form = values('draft')
        tx.try_send(1)
        tx.try_send(2)
        tx.close()
        items, _ = collect(self, clicks.with_latest_from(form))
        self.assertEqual(items, [[1, 'draft'], [2, 'draft']])

    def test_merge_all_is_fair(self):
        items, _ = collect(self, Gcs.Stream.merge_all(
            [values(1, 2), values(10, 20), values(100)]))
        self.assertEqual(items, [1, 10, 100, 2, 20])

    def test_exhaust_map(self):
        items, _ = collect(self, values(1, 2).exhaust_map(
            lambda v: values(v, v * 10)))
        self.assertEqual(items, [1, 10, 2, 20])
        _, error = collect(self, values(1).exhaust_map(lambda v: 'no stream'))
        assert_raised(self, error, TypeError, 'must return a Gcs.Stream')

    def test_take_until(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 8)
        stop_tx, stop_rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        stream = Gcs.ReceiverStream.new(rx).take_until(Gcs.ReceiverStream.new(stop_rx))
        got = []
        done = []
        stream.for_each_async(got.append, None,
                              lambda s, r: done.append(s.for_each_finish(r)))
        tx.try_send(1)
        iterate_until(self, lambda: got == [1])
        stop_tx.try_send(0)
        iterate_until(self, lambda: done)
        self.assertEqual(got, [1])

    def test_take_until_cancelled(self):
        cancellable = Gio.Cancellable()
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 8)
        stream = Gcs.ReceiverStream.new(rx).take_until_cancelled(cancellable)
        got = []
        done = []
        stream.for_each_async(got.append, None,
                              lambda s, r: done.append(s.for_each_finish(r)))
        tx.try_send(1)
        iterate_until(self, lambda: got == [1])
        cancellable.cancel()
        iterate_until(self, lambda: done)
        self.assertEqual(done, [True])
        with self.assertRaises(GLib.Error):
            tx.try_send(2)   # released: CLOSED


class TestEnds(unittest.TestCase):
    def test_on_end(self):
        seen = []
        items, _ = collect(self, values(1, 2).on_end(seen.append))
        self.assertEqual(items, [1, 2])
        self.assertEqual(seen, [None])

        # on_end gets what the finish call raises: the callback's own
        # exception.
        seen = []
        _, error = collect(self, values(1).map(lambda v: 1 // 0).on_end(
            lambda e, tag: seen.append((e, tag)), 'tag'))
        self.assertEqual(len(seen), 1)
        assert_raised(self, error, ZeroDivisionError)
        self.assertIs(seen[0][0], error)
        self.assertEqual(seen[0][1], 'tag')

        seen = []
        items, _ = collect(self, values(1, 2, 3).on_end(seen.append).take(1))
        self.assertEqual(items, [1])
        self.assertTrue(seen[0].matches(IO_ERR, Gio.IOErrorEnum.CANCELLED))

    def test_defer(self):
        calls = []

        def factory(tag):
            calls.append(tag)
            return values(1, 2)
        stream = Gcs.Stream.defer(factory, 'x')
        self.assertEqual(calls, [])
        items, _ = collect(self, stream)
        self.assertEqual(items, [1, 2])
        self.assertEqual(calls, ['x'])
        _, error = collect(self, Gcs.Stream.defer(lambda: 1 // 0))
        assert_raised(self, error, ZeroDivisionError)

    def test_retry(self):
        calls = []

        def factory():
            calls.append(1)
            if len(calls) < 3:
                return values(len(calls)).map(lambda v: 1 // 0)
            return values(10, 11)
        items, error = collect(self, Gcs.Stream.retry(factory, 3, 1))
        self.assertIsNone(error)
        self.assertEqual(items, [10, 11])
        self.assertEqual(len(calls), 3)

        def always_fails():
            raise ValueError('offline')
        _, error = collect(self, Gcs.Stream.retry(always_fails, 2, 1))
        assert_raised(self, error, ValueError, 'offline')

        # user data after the C arguments, as for the other callbacks
        calls = []

        def tagged(tag):
            calls.append(tag)
            return values(tag)
        items, _ = collect(self, Gcs.Stream.retry(tagged, 2, 1, 'x'))
        self.assertEqual((items, calls), (['x'], ['x']))


class TestTime(unittest.TestCase):
    # An input that ends at once: the held items come at once, whatever
    # the timing.
    def test_throttle_full_trailing(self):
        flags = Gcs.ThrottleFlags.LEADING | Gcs.ThrottleFlags.TRAILING
        items, _ = collect(self, values(1, 2, 3).throttle_full(10000, flags))
        self.assertEqual(items, [1, 3])
        items, _ = collect(self, values(1, 2, 3).throttle_full(
            10000, Gcs.ThrottleFlags.LEADING))
        self.assertEqual(items, [1])

    def test_audit_and_sample(self):
        items, _ = collect(self, values(1, 2, 3).audit(10000))
        self.assertEqual(items, [3])
        items, _ = collect(self, values(1, 2, 3).sample(10000))
        self.assertEqual(items, [3])

    def test_delay_keeps_order(self):
        items, _ = collect(self, values(1, 2, 3).delay(1))
        self.assertEqual(items, [1, 2, 3])


class TestGroupAndShare(unittest.TestCase):
    def test_group(self):
        group = Gcs.StreamGroup.new()
        group.insert('a', values(1, 2))
        group.insert('b', values(10))
        self.assertTrue(group.contains('a'))
        self.assertEqual(group.get_keys(), ['a', 'b'])
        group.close()
        items, _ = collect(self, group)
        self.assertEqual(items, [['a', 1], ['b', 10], ['a', 2]])
        self.assertEqual(group.get_keys(), [])

    def test_share_replay(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 8)
        share = Gcs.ReceiverStream.new(rx).share(16, 1)
        first = share.subscribe()
        got1 = []
        first.for_each_async(got1.append, None, lambda s, r: s.for_each_finish(r))
        tx.try_send(1)
        tx.try_send(2)
        iterate_until(self, lambda: got1 == [1, 2])
        late = share.subscribe()
        self.assertEqual(late.props.lagged, 0)
        tx.close()
        items, _ = collect(self, late)
        self.assertEqual(items, [2])   # replay 1: the latest, then the end


class TestListStore(unittest.TestCase):
    def test_bind_to_list_store(self):
        store = Gio.ListStore.new(Row)
        rows = [Row(i) for i in range(5)]
        stream = Gcs.Stream.from_values(rows).chunks(2)
        ended = []
        source_id = stream.on_end(ended.append).bind_to_list_store(
            store, Gcs.ListStoreMode.APPEND, 3)
        self.assertGreater(source_id, 0)
        iterate_until(self, lambda: ended)
        self.assertEqual([r.n for r in store], [2, 3, 4])

    def test_replace(self):
        store = Gio.ListStore.new(Row)
        # Sequences of rows: [Row 1, Row 2], then [Row 3].
        stream = Gcs.Stream.from_values([Row(1), Row(2), Row(3)]).chunks(2)
        ended = []
        stream.on_end(ended.append).bind_to_list_store(
            store, Gcs.ListStoreMode.REPLACE, 0)
        iterate_until(self, lambda: ended)
        self.assertEqual([r.n for r in store], [3])


if __name__ == '__main__':
    unittest.main(verbosity=2)
