#!/usr/bin/python3
# w1-python.py: W1 of DESIGN.md with Python callbacks (binding overhead)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# P Python threads send N int64 (0..N-1, split evenly, each range in order)
# into a bounded Gcs channel (capacity 1024), one cloned Sender each, closed
# when done. The consumer, on a GLib.MainLoop, runs
#   ReceiverStream -> map(x * 2) -> filter(x % 3 == 0) -> fold_async(sum)
# with Python callbacks, checked against the closed form.
#
#   w1-python.py [P [N]]
#
# Prints items/s on one line. Run it against a build tree:
#   GI_TYPELIB_PATH=<builddir>/introspection \
#   LD_LIBRARY_PATH=<builddir>/gchanstream \
#   PYTHONPATH=<srcdir>/introspection/python /usr/bin/python3 bench/w1-python.py 1 200000

import sys
import threading
import time

import gi
gi.require_version('Gcs', '1.0')
from gi.repository import GLib, GObject, Gcs  # noqa: E402

CAPACITY = 1024


def expected_sum(n):
    k = (n + 2) // 3  # multiples of 3 below n
    return 6 * (k * (k - 1) // 2)


def producer(tx, start, stop, failures):
    try:
        for i in range(start, stop):
            tx.send_blocking(i, None)
    except GLib.Error as e:
        # The receiver is gone when the stream failed; main() reports that.
        failures.append(e)
    finally:
        tx.close()


def add(acc, x):
    # The Gcs override boxes an int beyond int32 as a gint64.
    return acc + x


def run(n_producers, n_items):
    tx, rx = Gcs.channel_new(GObject.TYPE_INT64, CAPACITY)
    stream = Gcs.ReceiverStream.new(rx) \
        .map(lambda x: x * 2) \
        .filter(lambda x: x % 3 == 0)
    loop = GLib.MainLoop()
    outcome = {}
    failures = []

    def done(source, result, *user_data):
        try:
            outcome['sum'] = source.fold_finish(result)
        except GLib.Error as e:
            outcome['error'] = e
        loop.quit()

    stream.fold_async(GObject.Value(GObject.TYPE_INT64, 0), add,
                      None, done)

    threads = []
    for p in range(n_producers):
        start = n_items * p // n_producers
        stop = n_items * (p + 1) // n_producers
        t = threading.Thread(target=producer, args=(tx.clone(), start, stop, failures))
        threads.append(t)
    tx.close()
    del tx
    for t in threads:
        t.start()
    loop.run()
    for t in threads:
        t.join()
    if 'error' in outcome:
        raise outcome['error']
    if failures:
        raise failures[0]
    return outcome.get('sum')


def main():
    n_producers = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    n_items = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    if not 1 <= n_producers <= 64 or n_items < 0:
        print('usage: w1-python.py [P [N]]', file=sys.stderr)
        return 2
    start = time.monotonic()
    try:
        total = run(n_producers, n_items)
    except GLib.Error as e:
        print('w1-python: stream failed: %s' % e.message, file=sys.stderr)
        return 1
    seconds = time.monotonic() - start
    if total != expected_sum(n_items):
        print('w1-python: wrong sum %r, expected %d'
              % (total, expected_sum(n_items)), file=sys.stderr)
        return 1
    print('%.0f' % (n_items / seconds))
    return 0


if __name__ == '__main__':
    sys.exit(main())
