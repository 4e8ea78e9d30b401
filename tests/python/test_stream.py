#!/usr/bin/python3
# Python binding tests for streams (and the stream part of the Gcs override).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs against the build tree: GI_TYPELIB_PATH, LD_LIBRARY_PATH and
# PYTHONPATH (<srcdir>/introspection/python) come from tests/python/meson.build.

import gc
import os
import threading
import unittest
import weakref

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, Gio, GLib, GObject  # noqa: E402

TIMEOUT_S = 10
ERR = Gcs.channel_error_quark()
IO_ERR = Gio.io_error_quark()


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


def values(*items):
    return Gcs.Stream.from_values(list(items))


def produce(items, item_type=GObject.TYPE_INT, capacity=4, delay_s=0):
    """A ReceiverStream fed by a worker thread with send_blocking (so the
    bounded channel's backpressure is exercised); returns (stream, thread)."""
    tx, rx = Gcs.channel_new(item_type, capacity)

    def worker():
        try:
            for v in items:
                tx.send_blocking(v, None)
                if delay_s:
                    threading.Event().wait(delay_s)
        except GLib.Error as e:
            # The pipeline was dropped early (take, an error): CLOSED.
            t.send_error = e
        tx.close()

    t = threading.Thread(target=worker)
    t.send_error = None
    t.start()
    return Gcs.ReceiverStream.new(rx), t


class StreamTestCase(unittest.TestCase):
    def finish(self, start, finish_name):
        """Calls start(callback); runs the loop until the callback; returns
        ('ok', value) or ('error', GLib.Error) from the finish function."""
        loop = GLib.MainLoop()
        out = []

        def callback(source, result, *user_data):
            try:
                out.append(('ok', getattr(source, finish_name)(result)))
            except Exception as e:
                # A GLib.Error, or the exception a Python callback raised
                # (the override gives back the original). Its traceback
                # would keep this frame, so @source, alive.
                out.append(('error', e.with_traceback(None)))
            loop.quit()

        start(callback)
        run_loop(self, loop)
        self.assertEqual(len(out), 1)
        return out[0]

    def collect(self, stream, cancellable=None):
        """The items of @stream, or raises its GLib.Error."""
        kind, v = self.finish(lambda cb: stream.collect_async(cancellable, cb),
                              'collect_finish')
        if kind == 'error':
            raise v
        self.assertIsInstance(v, list)
        return v

    def collect_error(self, stream, cancellable=None):
        kind, v = self.finish(lambda cb: stream.collect_async(cancellable, cb),
                              'collect_finish')
        self.assertEqual(kind, 'error', 'expected an error, got %r' % (v,))
        return v

    def assertFailedWith(self, e, message):
        """@e is the exception a Python callback raised, given back by the
        finish call as itself ("Type: message")."""
        self.assertNotIsInstance(e, GLib.Error)
        self.assertEqual('%s: %s' % (type(e).__name__, e), message)


class TestOverride(StreamTestCase):
    def test_stream_is_overridden(self):
        from gi.overrides import Gcs as GcsOverride
        self.assertIs(Gcs.Stream, GcsOverride.Stream)
        self.assertIn('Stream', GcsOverride.__all__)
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        rs = Gcs.ReceiverStream.new(rx)
        mapped = rs.map(lambda v: v)
        # The combinator's type is private (not in the GIR): the override
        # of the interface still applies to it.
        self.assertNotIsInstance(mapped, Gcs.ReceiverStream)
        for s in (rs, mapped, values(1)):
            self.assertIsInstance(s, Gcs.Stream)
            self.assertIsInstance(s, GcsOverride.Stream)
            self.assertIs(type(s).map, GcsOverride.Stream.map)

    def test_async_needs_callback(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 4)
        tx.try_send(7)
        tx.close()
        s = Gcs.ReceiverStream.new(rx)
        for call in (lambda: s.next_async(), lambda: s.next_async(None),
                     lambda: s.collect_async(None), lambda: s.count_async(),
                     lambda: s.for_each_async(print),
                     lambda: s.fold_async(0, lambda a, v: a + v),
                     lambda: s.forward_async(Gcs.channel_new(GObject.TYPE_INT, 1)[0])):
            with self.assertRaisesRegex(TypeError, 'without a callback outside an asyncio event loop'):
                call()
        with self.assertRaisesRegex(TypeError, 'not callable|needs to be a function'):
            s.next_async(None, 'not a function')
        # Nothing was started, so nothing was consumed.
        self.assertEqual(rx.props.length, 1)
        self.assertEqual(self.finish(lambda cb: s.next_async(None, cb), 'next_finish'),
                         ('ok', 7))

    def test_callback_must_be_callable(self):
        with self.assertRaises(TypeError):
            values(1).map(42)

    def test_callback_user_data(self):
        self.assertEqual(self.collect(values(1, 2, 3).map(lambda v, a, b: v + a + b, 10, 100)),
                         [111, 112, 113])
        self.assertEqual(self.collect(values(1, 2, 3, 4).filter(lambda v, m: v % m == 0, 2)),
                         [2, 4])
        self.assertEqual(self.collect(values(1, 2, 3).scan(0, lambda a, v, k: a + k * v, 10)),
                         [10, 30, 60])
        self.assertEqual(
            self.collect(values(1, 2).flat_map_unordered(lambda v, n: values(*[v] * n), 1, 2)),
            [1, 1, 2, 2])
        # GIO style: user data after the callback goes to the callback.
        got = []
        loop = GLib.MainLoop()

        def done(source, result, a, b):
            got.append((source.count_finish(result), a, b))
            loop.quit()

        values(1, 2).count_async(None, done, 'a', 2)
        run_loop(self, loop)
        self.assertEqual(got, [(2, 'a', 2)])
        # Keywords, as raw PyGObject takes them.
        got.clear()
        values(1, 2, 3).count_async(callback=lambda s, r, ud: done(s, r, ud, 'kw'), user_data='u')
        run_loop(self, loop)
        self.assertEqual(got, [(3, 'u', 'kw')])
        kind, v = self.finish(lambda cb: values(1, 2).fold_async(init=1, func=lambda a, v: a + v,
                                                                 callback=cb), 'fold_finish')
        self.assertEqual((kind, v), ('ok', 4))

    def test_from_values(self):
        self.assertEqual(self.collect(Gcs.Stream.from_values(iter(range(3)))), [0, 1, 2])
        self.assertEqual(self.collect(Gcs.stream_from_values(['a', 2 ** 40, 1.5, True])),
                         ['a', 2 ** 40, 1.5, True])
        self.assertEqual(self.collect(values()), [])
        # None would crash PyGObject 3.42 (it unsets an uninitialized GValue).
        for make in (Gcs.Stream.from_values, Gcs.stream_from_values):
            with self.assertRaisesRegex(TypeError, 'None is not a stream item'):
                make(['a', None])

    def test_lazy(self):
        calls = []
        s = values(1, 2, 3).map(lambda v: calls.append(v) or v)
        iterate(30)
        self.assertEqual(calls, [])
        self.assertEqual(self.collect(s), [1, 2, 3])
        self.assertEqual(calls, [1, 2, 3])


class TestPipelines(StreamTestCase):
    def test_map_filter_over_worker_thread(self):
        stream, t = produce(range(1000), capacity=8)
        threads = set()

        def double(v):
            threads.add(threading.get_ident())
            return v * 2

        def keep(v):
            threads.add(threading.get_ident())
            return v % 3 == 0

        got = self.collect(stream.map(double).filter(keep))
        t.join()
        self.assertEqual(got, [v * 2 for v in range(1000) if (v * 2) % 3 == 0])
        # Every callback ran on the consuming (main) thread.
        self.assertEqual(threads, {threading.get_ident()})

    def test_chunks_are_lists(self):
        stream, t = produce(range(7))
        got = self.collect(stream.chunks(3))
        t.join()
        self.assertEqual(got, [[0, 1, 2], [3, 4, 5], [6]])
        # A callback gets a chunk as a list, too.
        self.assertEqual(self.collect(values(1, 2, 3, 4, 5).chunks(2).map(lambda c: sum(c))),
                         [3, 7, 5])
        self.assertEqual(self.collect(values('a', 'b', 'c').chunks(2).chunks(2)),
                         [[['a', 'b'], ['c']]])

    def test_zip(self):
        stream, t = produce(range(5))
        got = self.collect(stream.zip(values('a', 'b', 'c')))
        t.join()
        self.assertEqual(got, [[0, 'a'], [1, 'b'], [2, 'c']])
        self.assertEqual(
            self.collect(values(1, 2).zip(values(10, 20)).map(lambda p: p[0] * p[1])),
            [10, 40])

    def test_scan_take_skip(self):
        stream, t = produce(range(1, 1001))
        s = stream.scan(0, lambda acc, v: acc + v).skip(2).take(3)
        del stream
        got = self.collect(s)
        self.assertEqual(got, [6, 10, 15])
        # take(3) let its upstream go at its end, though Python still
        # holds the pipeline: the worker blocked on the full channel gets
        # CLOSED.
        t.join(TIMEOUT_S)
        self.assertFalse(t.is_alive())
        self.assertTrue(t.send_error.matches(ERR, Gcs.ChannelError.CLOSED), t.send_error)
        self.assertEqual(self.collect(values().scan(5, lambda a, v: a + v)), [])

    def test_take_while_skip_while(self):
        s = values(1, 2, 3, 10, 1, 2)
        self.assertEqual(self.collect(s.take_while(lambda v: v < 5)), [1, 2, 3])
        s = values(1, 2, 3, 10, 1, 2)
        self.assertEqual(self.collect(s.skip_while(lambda v: v < 5)), [10, 1, 2])
        # Truthy non-bool results are accepted.
        self.assertEqual(self.collect(values(1, 2, 3, 4).filter(lambda v: v % 2)), [1, 3])

    def test_filter_map_inspect_distinct(self):
        seen = []
        s = (values(1, 1, 2, 2, 2, 3, 1, 4)
             .distinct_until_changed()
             .inspect(seen.append)
             .filter_map(lambda v: None if v % 2 else 'even %d' % v))
        self.assertEqual(self.collect(s), ['even 2', 'even 4'])
        self.assertEqual(seen, [1, 2, 3, 1, 4])
        # Only None drops: falsy values are items.
        self.assertEqual(self.collect(values(1, 2, 3).filter_map(
            lambda v: {1: 0, 2: None, 3: ''}[v])), [0, ''])

    def test_chain_buffered(self):
        a, t = produce(range(3))
        # chain() is also GObject.Object's (signal chain-up): the override
        # dispatches a stream argument to Stream.chain.
        got = self.collect(a.chain(values('x', 'y')).buffered(2))
        t.join()
        self.assertEqual(got, [0, 1, 2, 'x', 'y'])
        self.assertEqual(self.collect(values(1).map(lambda v: v).chain(values(2))), [1, 2])
        self.assertEqual(self.collect(Gcs.Stream.chain(values(1), values(2))), [1, 2])
        with self.assertRaisesRegex(TypeError, 'signal invocation'):
            GObject.Object().chain()   # PyGObject's own chain is still there

    def test_merge(self):
        a, ta = produce(range(0, 50))
        b, tb = produce(range(100, 150))
        got = self.collect(a.merge(b))
        ta.join()
        tb.join()
        self.assertEqual(sorted(got), list(range(0, 50)) + list(range(100, 150)))
        # Each side keeps its order.
        self.assertEqual([v for v in got if v < 100], list(range(50)))
        self.assertEqual([v for v in got if v >= 100], list(range(100, 150)))

    def test_flat_map(self):
        stream, t = produce([1, 2, 3])
        def inner(v):
            return values(*['%d.%d' % (v, i) for i in range(v)])

        got = self.collect(stream.flat_map(inner))
        t.join()
        self.assertEqual(got, ['1.0', '2.0', '2.1', '3.0', '3.1', '3.2'])

    def test_flat_map_unordered(self):
        stream, t = produce(range(6))
        got = self.collect(stream.flat_map_unordered(lambda v: values(v, v + 100), 3))
        t.join()
        self.assertEqual(sorted(got), sorted(list(range(6)) + [v + 100 for v in range(6)]))
        for v in range(6):
            self.assertLess(got.index(v), got.index(v + 100))

    def test_objects_through_map(self):
        files = [Gio.File.new_for_path('/tmp/%d' % i) for i in range(3)]
        got = self.collect(values(*files).map(lambda f: f.get_child('x')))
        self.assertEqual([f.get_path() for f in got], ['/tmp/%d/x' % i for i in range(3)])


class TestTerminal(StreamTestCase):
    def test_fold_count_for_each(self):
        stream, t = produce(range(1, 101))
        kind, v = self.finish(lambda cb: stream.fold_async(0, lambda acc, v: acc + v, None, cb),
                              'fold_finish')
        t.join()
        self.assertEqual((kind, v), ('ok', 5050))
        # The seed for an empty stream.
        self.assertEqual(self.finish(lambda cb: values().fold_async('seed', lambda a, v: v,
                                                                    callback=cb),
                                     'fold_finish'),
                         ('ok', 'seed'))

        stream, t = produce(range(10))
        kind, n = self.finish(lambda cb: stream.filter(lambda v: v > 2).count_async(None, cb),
                              'count_finish')
        t.join()
        self.assertEqual((kind, n), ('ok', 7))

        stream, t = produce(range(5))
        seen = []
        kind, ok = self.finish(lambda cb: stream.for_each_async(seen.append, None, cb),
                               'for_each_finish')
        t.join()
        self.assertEqual((kind, ok, seen), ('ok', True, [0, 1, 2, 3, 4]))

    def test_next_until_end(self):
        stream, t = produce(['a', 'b', 'c'], item_type=GObject.TYPE_STRING)
        s = stream.map(str.upper)
        got = []
        for _ in range(5):
            kind, v = self.finish(lambda cb: s.next_async(None, cb), 'next_finish')
            self.assertEqual(kind, 'ok')
            got.append(v)
        t.join()
        # None at the end, and the stream stays ended.
        self.assertEqual(got, ['A', 'B', 'C', None, None])

    def test_forward_into_channel(self):
        stream, t = produce(range(20))
        tx2, rx2 = Gcs.channel_new(GObject.TYPE_STRING, 2)
        # A bounded sink: forward waits for room, so read concurrently.
        got = []
        ends = []

        def on_item(receiver, value):
            if value is None:
                ends.append(True)
            else:
                got.append(value)
            return GLib.SOURCE_CONTINUE

        rx2.attach(None, on_item)
        kind, ok = self.finish(
            lambda cb: stream.map(lambda v: 'item %d' % v).forward_async(tx2, None, cb),
            'forward_finish')
        t.join()
        self.assertEqual((kind, ok), ('ok', True))
        iterate(50)
        self.assertEqual(got, ['item %d' % i for i in range(20)])
        # forward closes the sink: the other receiver sees the end.
        self.assertEqual(ends, [True])

    def test_forward_type_mismatch_fails(self):
        tx2, rx2 = Gcs.channel_new(GObject.TYPE_INT, 4)
        kind, e = self.finish(lambda cb: values(1, 'two', 3).forward_async(tx2, None, cb),
                              'forward_finish')
        self.assertEqual(kind, 'error')
        self.assertTrue(e.matches(ERR, Gcs.ChannelError.TYPE), e)
        self.assertEqual(rx2.try_recv(), 1)

    def test_bind_to_property(self):
        class Progress(GObject.Object):
            value = GObject.Property(type=int, default=-1)

        target = Progress()
        notified = []
        target.connect('notify::value', lambda o, p: notified.append(o.props.value))
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 8)
        sid = Gcs.ReceiverStream.new(rx).map(lambda v: v * 10).bind_to_property(target, 'value')
        self.assertGreater(sid, 0)
        iterate(20)
        self.assertEqual(notified, [])   # nothing sent yet
        for v in (1, 2, 3):
            tx.try_send(v)
        iterate(50)
        self.assertEqual(target.props.value, 30)
        self.assertEqual(notified, [10, 20, 30])

        def worker():
            for v in range(4, 9):
                tx.send_blocking(v, None)
            tx.close()

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        iterate(50)
        self.assertEqual(target.props.value, 80)
        self.assertEqual(notified, [10, 20, 30, 40, 50, 60, 70, 80])
        # The driving source is gone once the stream ended.
        self.assertIsNone(GLib.MainContext.default().find_source_by_id(sid))

    def test_bind_to_property_weak(self):
        class Target(GObject.Object):
            value = GObject.Property(type=str, default='')

        target = Target()
        finalized = []
        target.weak_ref(lambda: finalized.append(True))
        tx, rx = Gcs.channel_new(GObject.TYPE_STRING, 8)
        Gcs.ReceiverStream.new(rx).bind_to_property(target, 'value')
        tx.try_send('a')
        iterate(30)
        self.assertEqual(target.props.value, 'a')
        del target
        gc.collect()
        self.assertEqual(finalized, [True])
        tx.try_send('b')
        iterate(30)   # no crash: the object is gone, the binding stops


class TestErrors(StreamTestCase):
    def test_map_raises(self):
        stream, t = produce(range(10), capacity=2)
        seen = []

        def f(v):
            seen.append(v)
            if v == 3:
                raise ValueError('bad item %d' % v)
            return v

        s = stream.map(f)
        del stream
        e = self.collect_error(s)
        self.assertFailedWith(e, 'ValueError: bad item 3')
        self.assertEqual(seen, [0, 1, 2, 3])
        # Once Python drops its stream, nothing holds the receiver: the
        # worker blocked on the full channel gets CLOSED, no hang.
        del s
        gc.collect()
        t.join(TIMEOUT_S)
        self.assertFalse(t.is_alive())
        self.assertTrue(t.send_error.matches(ERR, Gcs.ChannelError.CLOSED), t.send_error)

    def test_every_callback_kind_raises(self):
        def boom(*args):
            raise KeyError('k')

        cases = {
            'filter': lambda s: s.filter(boom),
            'filter_map': lambda s: s.filter_map(boom),
            'inspect': lambda s: s.inspect(boom),
            'take_while': lambda s: s.take_while(boom),
            'skip_while': lambda s: s.skip_while(boom),
            'scan': lambda s: s.scan(0, boom),
            'flat_map': lambda s: s.flat_map(boom),
            'flat_map_unordered': lambda s: s.flat_map_unordered(boom, 2),
            'switch_map': lambda s: s.switch_map(boom),
        }
        for name, make in cases.items():
            with self.subTest(name):
                self.assertFailedWith(self.collect_error(make(values(1, 2))), "KeyError: 'k'")

        kind, e = self.finish(lambda cb: values(1, 2).fold_async(0, boom, None, cb),
                              'fold_finish')
        self.assertEqual(kind, 'error')
        self.assertFailedWith(e, "KeyError: 'k'")

        kind, e = self.finish(
            lambda cb: values(1).map(lambda v: 1 / 0).catch_error(boom).count_async(None, cb),
            'count_finish')
        self.assertEqual(kind, 'error')
        self.assertFailedWith(e, "KeyError: 'k'")

    def test_for_each_raises(self):
        stream, t = produce(range(10), capacity=2)
        seen = []

        def visit(v):
            seen.append(v)
            if v == 4:
                raise RuntimeError('stop here')

        kind, e = self.finish(lambda cb: stream.for_each_async(visit, None, cb), 'for_each_finish')
        self.assertEqual(kind, 'error')
        self.assertFailedWith(e, 'RuntimeError: stop here')
        self.assertEqual(seen, [0, 1, 2, 3, 4])
        del stream
        gc.collect()
        t.join(TIMEOUT_S)
        self.assertFalse(t.is_alive())
        self.assertTrue(t.send_error.matches(ERR, Gcs.ChannelError.CLOSED), t.send_error)

    def test_glib_error_kept(self):
        def f(v):
            raise GLib.Error.new_literal(IO_ERR, 'not found', int(Gio.IOErrorEnum.NOT_FOUND))

        e = self.collect_error(values(1).map(f))
        self.assertTrue(e.matches(IO_ERR, Gio.IOErrorEnum.NOT_FOUND), e)
        self.assertEqual(e.message, 'not found')

    def test_flat_map_must_return_stream(self):
        e = self.collect_error(values(1).flat_map(lambda v: [v]))
        self.assertFailedWith(e, 'TypeError: the callback must return a Gcs.Stream, not list')

    def test_map_returning_none_fails(self):
        e = self.collect_error(values(1).map(lambda v: None))
        self.assertTrue(e.matches(ERR, Gcs.ChannelError.TYPE), e)

    def test_catch_error(self):
        stream, t = produce(range(10), capacity=2)
        caught = []

        def f(v):
            if v == 3:
                raise ValueError('three')
            return v

        def replace(error):
            # The original exception, not a GLib.Error.
            caught.append(error)
            return values('replacement', '%s: %s' % (type(error).__name__, error))

        s = stream.map(f).catch_error(replace)
        del stream
        got = self.collect(s)
        # catch_error let the failed upstream go: the worker gets CLOSED.
        t.join(TIMEOUT_S)
        self.assertFalse(t.is_alive())
        self.assertTrue(t.send_error.matches(ERR, Gcs.ChannelError.CLOSED), t.send_error)
        self.assertEqual(got, [0, 1, 2, 'replacement', 'ValueError: three'])
        self.assertEqual(len(caught), 1)
        self.assertIs(type(caught[0]), ValueError)
        self.assertEqual(caught[0].args, ('three',))
        # The replacement's own errors are not caught again.
        e = self.collect_error(values(1).map(lambda v: 1 / 0)
                               .catch_error(lambda err: values(1).map(lambda v: {}[v])))
        self.assertFailedWith(e, 'KeyError: 1')

    def test_large_ints(self):
        big = 2 ** 40
        self.assertEqual(self.collect(values(1, 2, -3).map(lambda v: v * big)),
                         [big, 2 * big, -3 * big])
        stream, t = produce(range(3), item_type=GObject.TYPE_INT64)
        got = self.collect(stream.map(lambda v: v * big).scan(big, lambda a, v: a + v))
        t.join()
        self.assertEqual(got, [big, 2 * big, 4 * big])
        self.assertEqual(self.collect(values(big, -big, 2 ** 64 - 1)), [big, -big, 2 ** 64 - 1])
        self.assertEqual(self.collect(values(1).map(lambda v: 2 ** 64 - 1)), [2 ** 64 - 1])
        kind, v = self.finish(lambda cb: values(1, 2).fold_async(big, lambda a, v: a * v,
                                                                 None, cb),
                              'fold_finish')
        self.assertEqual((kind, v), ('ok', 2 * big))
        # Beyond 64 bits: a TYPE error, not a silent wrong value.
        e = self.collect_error(values(1).map(lambda v: 2 ** 70))
        self.assertTrue(e.matches(ERR, Gcs.ChannelError.TYPE), e)

    def test_explicit_values_from_callbacks(self):
        # PyGObject 3.42 would copy a pointer-holding GObject.Value shallowly
        # into C's result and free it twice; the override unwraps it.
        s = values(1, 2).map(lambda v: GObject.Value(GObject.TYPE_STRING, 's%d' % v))
        self.assertEqual(self.collect(s), ['s1', 's2'])
        s = values(1, 2).map(lambda v: GObject.Value(GObject.TYPE_INT64, v))
        self.assertEqual(self.collect(s), [1, 2])
        s = values(1).map(lambda v: GObject.Value(GObject.TYPE_DOUBLE, 0.5))
        self.assertEqual(self.collect(s), [0.5])


class TestCancel(StreamTestCase):
    def _open_stream(self):
        """A stream that never ends: its sender stays open."""
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 4)
        tx.try_send(1)
        return tx, Gcs.ReceiverStream.new(rx)

    def _cancel_soon(self, cancellable, ms=30):
        GLib.timeout_add(ms, lambda: cancellable.cancel() or False)

    def test_collect_cancelled(self):
        tx, s = self._open_stream()
        c = Gio.Cancellable()
        self._cancel_soon(c)
        e = self.collect_error(s.map(lambda v: v), c)
        self.assertTrue(e.matches(IO_ERR, Gio.IOErrorEnum.CANCELLED), e)

    def test_for_each_cancelled(self):
        tx, s = self._open_stream()
        c = Gio.Cancellable()
        seen = []
        self._cancel_soon(c)
        kind, e = self.finish(lambda cb: s.for_each_async(seen.append, c, cb), 'for_each_finish')
        self.assertEqual(kind, 'error')
        self.assertTrue(e.matches(IO_ERR, Gio.IOErrorEnum.CANCELLED), e)
        self.assertEqual(seen, [1])

    def test_next_cancelled_then_next(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 4)
        s = Gcs.ReceiverStream.new(rx)
        c = Gio.Cancellable()
        self._cancel_soon(c)
        kind, e = self.finish(lambda cb: s.next_async(c, cb), 'next_finish')
        self.assertEqual(kind, 'error')
        self.assertTrue(e.matches(IO_ERR, Gio.IOErrorEnum.CANCELLED), e)
        # The cancelled next took nothing: the next item is still there.
        tx.try_send(5)
        self.assertEqual(self.finish(lambda cb: s.next_async(None, cb), 'next_finish'),
                         ('ok', 5))

    def test_cancel_from_callback(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        for i in range(100):
            tx.try_send(i)
        c = Gio.Cancellable()
        seen = []

        def visit(v):
            seen.append(v)
            if v == 10:
                c.cancel()

        kind, e = self.finish(
            lambda cb: Gcs.ReceiverStream.new(rx).for_each_async(visit, c, cb),
            'for_each_finish')
        self.assertEqual(kind, 'error')
        self.assertTrue(e.matches(IO_ERR, Gio.IOErrorEnum.CANCELLED), e)
        self.assertEqual(seen, list(range(11)))


class TestLifetime(StreamTestCase):
    class Callable:
        def __call__(self, *args):
            return args[-1]

    def test_callable_freed_after_finish(self):
        f = self.Callable()
        ref = weakref.ref(f)
        stream, t = produce(range(5))
        s = stream.map(f).filter(f)
        del f, stream
        self.assertEqual(self.collect(s), [1, 2, 3, 4])
        t.join()
        del s
        gc.collect()
        self.assertIsNone(ref())

    def test_callable_freed_after_error(self):
        f = self.Callable()
        ref = weakref.ref(f)
        s = values(1, 2).map(f).map(lambda v: 1 / 0)
        del f
        self.assertFailedWith(self.collect_error(s), 'ZeroDivisionError: division by zero')
        del s
        gc.collect()
        self.assertIsNone(ref())

    def test_terminal_callables_freed(self):
        f = self.Callable()
        ref = weakref.ref(f)
        kind, _ = self.finish(lambda cb: values(1, 2).for_each_async(f, None, cb),
                              'for_each_finish')
        self.assertEqual(kind, 'ok')
        kind, v = self.finish(lambda cb: values(1, 2).fold_async(0, f, None, cb), 'fold_finish')
        self.assertEqual((kind, v), ('ok', 2))
        del f
        gc.collect()
        self.assertIsNone(ref())

    def test_unconsumed_stream_frees_callable(self):
        f = self.Callable()
        ref = weakref.ref(f)
        s = values(1).map(f)
        del f
        gc.collect()
        self.assertIsNotNone(ref())   # the stream holds it
        del s
        gc.collect()
        self.assertIsNone(ref())

    def test_items_released(self):
        finalized = []

        def tracked(v):
            obj = GObject.Object()
            obj.weak_ref(lambda: finalized.append(v))
            return obj

        got = self.collect(values(1, 2, 3).map(tracked))
        self.assertEqual(len(got), 3)
        del got
        gc.collect()
        self.assertEqual(sorted(finalized), [1, 2, 3])

    def test_no_gross_leak(self):
        def rss_kb():
            with open('/proc/self/statm') as f:
                return int(f.read().split()[1]) * 4

        payload = 'x' * 1000

        def round_trip(n):
            stream, t = produce(range(n), capacity=64)
            got = self.collect(stream.map(lambda v: payload + str(v))
                               .filter(lambda s: len(s) > 0).chunks(10))
            t.join()
            self.assertEqual(len(got), n // 10)

        round_trip(5000)
        gc.collect()
        before = rss_kb()
        for _ in range(3):
            round_trip(5000)
            gc.collect()
        grown = rss_kb() - before
        # 15000 items of 1 KB would be 15 MB if they leaked.
        self.assertLess(grown, 6000, 'RSS grew by %d kB' % grown)


if __name__ == '__main__':
    unittest.main(verbosity=2)
