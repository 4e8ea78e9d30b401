#!/usr/bin/python3
# Python binding tests for streams of events: time combinators,
# switch_map, from_property, from_signal, lines, take_until_disposed.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs against the build tree (see tests/python/meson.build). Time is real
# here: tests wait for what they expect, with a generous deadline, and
# assert orderings and counts, never durations. Callbacks never raise on
# purpose (exceptions in callbacks are the override's business).

import threading
import time
import unittest

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, Gio, GLib, GObject  # noqa: E402

TIMEOUT_S = 10


class Entry(GObject.Object):
    """A stand-in for a search entry: a "text" property."""
    text = GObject.Property(type=str, default='')


class Emitter(GObject.Object):
    __gsignals__ = {
        'ping': (GObject.SignalFlags.RUN_LAST, None, ()),
        'one': (GObject.SignalFlags.RUN_LAST, None, (int,)),
        'three': (GObject.SignalFlags.RUN_LAST, None, (int, str, float)),
    }


def iterate_until(test, cond, timeout_s=TIMEOUT_S):
    """Runs the default main context until cond() holds."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout_s
    while not cond():
        test.assertLess(time.monotonic(), deadline, 'timed out waiting')
        # A short timeout so that conditions set by other threads are seen.
        GLib.timeout_add(10, lambda: GLib.SOURCE_REMOVE)
        context.iteration(True)


def iterate_for(ms):
    """Runs the default main context for about ms milliseconds."""
    loop = GLib.MainLoop()
    GLib.timeout_add(ms, loop.quit)
    loop.run()


class Collect:
    """collect_async on a stream; .done, .items, .error once it completed."""

    def __init__(self, stream, cancellable=None):
        self.done = False
        self.items = None
        self.error = None
        stream.collect_async(cancellable, self._on_done)

    def _on_done(self, stream, result):
        try:
            self.items = stream.collect_finish(result)
        except GLib.Error as e:
            self.error = e
        self.done = True


class Each:
    """for_each_async on a stream: .items as they come."""

    def __init__(self, stream, cancellable=None):
        self.done = False
        self.items = []
        self.error = None
        stream.for_each_async(self._on_item, cancellable=cancellable,
                              callback=self._on_done)

    def _on_item(self, item, *func_data):
        self.items.append(item)

    def _on_done(self, stream, result):
        try:
            stream.for_each_finish(result)
        except GLib.Error as e:
            self.error = e
        self.done = True


class SearchService:
    """Queries that run on worker threads and send their results into an
    mpsc channel, whose receiver becomes the query's stream. A query waits
    for its gate (or for its cancellable) before it answers, so the test
    decides when results come."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = []        # texts, in order
        self.cancellables = {}   # text -> Gio.Cancellable
        self.gates = {}          # text -> threading.Event
        self.stopped = {}        # text -> 'cancelled' | 'closed' | 'answered'
        self.threads = []

    def query(self, text, cancellable, *user_data):
        """The switch_map function: called on the main thread."""
        tx, rx = Gcs.channel_new(GObject.TYPE_STRING, 4)
        gate = threading.Event()
        with self.lock:
            self.started.append(text)
            self.cancellables[text] = cancellable
            self.gates[text] = gate
        thread = threading.Thread(target=self._run, args=(text, cancellable, gate, tx))
        self.threads.append(thread)
        thread.start()
        return Gcs.ReceiverStream.new(rx)

    def _run(self, text, cancellable, gate, tx):
        outcome = 'answered'
        while not gate.wait(0.005) and not cancellable.is_cancelled():
            pass
        # Cancelled before the gate opened: never answers.
        if cancellable.is_cancelled():
            outcome = 'cancelled'
        else:
            for i in range(3):
                try:
                    tx.send_blocking('%s-%d' % (text, i), None)
                except GLib.Error as e:
                    # The stream was released: its receiver is closed.
                    assert e.matches(Gcs.channel_error_quark(), Gcs.ChannelError.CLOSED)
                    outcome = 'closed'
                    break
        tx.close()
        with self.lock:
            self.stopped[text] = outcome

    def open_all_gates(self):
        with self.lock:
            for gate in self.gates.values():
                gate.set()

    def join(self):
        self.open_all_gates()
        for thread in self.threads:
            thread.join(TIMEOUT_S)


class SearchAsYouTypeTest(unittest.TestCase):
    def test_only_the_last_query_answers(self):
        entry = Entry()
        service = SearchService()
        results = (Gcs.Stream.from_property(entry, 'text')
                   .debounce(50)
                   .distinct_until_changed()
                   .switch_map(service.query))
        each = Each(results)
        del results

        # Typing fast: one query, for what was typed last.
        for text in ('a', 'ab', 'abc'):
            entry.props.text = text
        iterate_until(self, lambda: service.started)
        self.assertEqual(service.started, ['abc'])

        # A new text while the query runs: it is cancelled, a new one starts.
        entry.props.text = 'abcd'
        iterate_until(self, lambda: len(service.started) == 2)
        self.assertEqual(service.started, ['abc', 'abcd'])
        self.assertTrue(service.cancellables['abc'].is_cancelled())
        self.assertFalse(service.cancellables['abcd'].is_cancelled())

        # The same text again: no new query (distinct_until_changed).
        entry.props.text = 'abcd'
        iterate_for(150)

        # Answers: only the last query's come through.
        service.open_all_gates()
        iterate_until(self, lambda: len(each.items) == 3)
        self.assertEqual(each.items, ['abcd-0', 'abcd-1', 'abcd-2'])
        self.assertEqual(service.started, ['abc', 'abcd'])
        iterate_until(self, lambda: len(service.stopped) == 2)
        self.assertEqual(service.stopped, {'abc': 'cancelled', 'abcd': 'answered'})

        # The entry goes: the pipeline ends, cleanly.
        self.assertFalse(each.done)
        entry.run_dispose()
        del entry
        iterate_until(self, lambda: each.done)
        self.assertIsNone(each.error)
        self.assertEqual(each.items, ['abcd-0', 'abcd-1', 'abcd-2'])
        service.join()

    def test_released_pipeline_stops_the_query(self):
        entry = Entry()
        service = SearchService()
        cancellable = Gio.Cancellable()
        each = Each(Gcs.Stream.from_property(entry, 'text')
                    .debounce(20)
                    .switch_map(service.query), cancellable)
        entry.props.text = 'x'
        iterate_until(self, lambda: 'x' in service.started)
        cancellable.cancel()
        iterate_until(self, lambda: each.done)
        self.assertTrue(each.error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertTrue(service.cancellables['x'].is_cancelled())
        iterate_until(self, lambda: 'x' in service.stopped)
        self.assertEqual(service.stopped['x'], 'cancelled')
        service.join()


class TimeTest(unittest.TestCase):
    def test_interval(self):
        c = Collect(Gcs.Stream.interval(5).take(4))
        iterate_until(self, lambda: c.done)
        self.assertIsNone(c.error)
        self.assertEqual(c.items, [0, 1, 2, 3])

    def test_debounce_burst(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        each = Each(Gcs.ReceiverStream.new(rx).debounce(30))
        for i in range(5):
            tx.try_send(i)
        iterate_until(self, lambda: each.items)
        self.assertEqual(each.items, [4])
        tx.close()
        iterate_until(self, lambda: each.done)
        self.assertEqual(each.items, [4])

    def test_throttle_burst(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        each = Each(Gcs.ReceiverStream.new(rx).throttle(10000))
        for i in range(5):
            tx.try_send(i)
        tx.close()
        iterate_until(self, lambda: each.done)
        self.assertEqual(each.items, [0])

    def test_timeout(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        c = Collect(Gcs.ReceiverStream.new(rx).timeout(20))
        iterate_until(self, lambda: c.done)
        self.assertTrue(c.error.matches(Gcs.channel_error_quark(), Gcs.ChannelError.TIMEOUT))
        # The failure released the channel.
        self.assertTrue(tx.is_closed())

    def test_chunks_timeout(self):
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        each = Each(Gcs.ReceiverStream.new(rx).chunks_timeout(3, 20))
        for i in range(4):
            tx.try_send(i)
        iterate_until(self, lambda: len(each.items) == 2)
        self.assertEqual(each.items, [[0, 1, 2], [3]])
        tx.close()
        iterate_until(self, lambda: each.done)
        self.assertEqual(each.items, [[0, 1, 2], [3]])


class ObjectTest(unittest.TestCase):
    def test_from_property_changes(self):
        # Lazy and coalescing (API.md, "Bridges are lazy and bounded"; this
        # test expected every change queued from the stream's creation).
        entry = Entry()
        each = Each(Gcs.Stream.from_property(entry, 'text'))
        iterate_until(self, lambda: each.items == [''])   # the first poll
        entry.props.text = '0'
        iterate_until(self, lambda: each.items[-1] == '0')
        for i in range(1, 5):
            entry.props.text = str(i)
        iterate_until(self, lambda: each.items[-1] == '4')
        self.assertEqual(each.items, ['', '0', '4'])
        entry.run_dispose()
        iterate_until(self, lambda: each.done)
        self.assertIsNone(each.error)

    def test_from_signal(self):
        emitter = Emitter()
        ping = Collect(Gcs.Stream.from_signal(emitter, 'ping').take(1))
        one = Collect(Gcs.Stream.from_signal(emitter, 'one').take(2))
        three = Collect(Gcs.Stream.from_signal(emitter, 'three').take(1))
        emitter.emit('one', 0)   # before the first poll: not seen (lazy)
        iterate_for(20)          # the first polls connect
        emitter.emit('ping')
        emitter.emit('one', 1)
        emitter.emit('one', 2)
        emitter.emit('three', 1, 'x', 2.5)
        iterate_until(self, lambda: ping.done and one.done and three.done)
        self.assertEqual(ping.items, [emitter])
        self.assertEqual(one.items, [1, 2])
        self.assertEqual(three.items, [[1, 'x', 2.5]])

    def test_take_until_disposed(self):
        owner = Entry()
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT)
        each = Each(Gcs.ReceiverStream.new(rx).take_until_disposed(owner))
        tx.try_send(1)
        iterate_until(self, lambda: each.items == [1])
        owner.run_dispose()
        iterate_until(self, lambda: each.done)
        self.assertIsNone(each.error)
        self.assertTrue(tx.is_closed())


class LinesTest(unittest.TestCase):
    def test_memory(self):
        data = GLib.Bytes.new(b'one\r\ntwo\n\nlast')
        c = Collect(Gcs.Stream.from_input_stream_lines(Gio.MemoryInputStream.new_from_bytes(data)))
        iterate_until(self, lambda: c.done)
        self.assertEqual(c.items, ['one', 'two', '', 'last'])

    def test_invalid_utf8(self):
        data = GLib.Bytes.new(b'ok\n\xff\n')
        c = Collect(Gcs.Stream.from_input_stream_lines(Gio.MemoryInputStream.new_from_bytes(data)))
        iterate_until(self, lambda: c.done)
        self.assertTrue(c.error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_DATA))

    def test_subprocess(self):
        process = Gio.Subprocess.new(['printf', 'a\\nb\\r\\nc'], Gio.SubprocessFlags.STDOUT_PIPE)
        c = Collect(Gcs.Stream.from_input_stream_lines(process.get_stdout_pipe()))
        iterate_until(self, lambda: c.done)
        self.assertEqual(c.items, ['a', 'b', 'c'])
        process.wait(None)


if __name__ == '__main__':
    unittest.main(verbosity=2)
