/* Vala binding tests for the watch and broadcast channels (and a oneshot),
 * through gchanstream-1.0.vapi: a worker thread reports progress through a
 * watch channel and events through a broadcast channel; the main loop
 * follows both.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const uint TIMEOUT_S = 10;

void run_loop (MainLoop loop) {
    var id = Timeout.add_seconds (TIMEOUT_S, () => {
        error ("the main loop timed out");
    });
    loop.run ();
    Source.remove (id);
}

delegate void AsyncStarter (AsyncReadyCallback callback);

void run_async (AsyncStarter start) {
    var loop = new MainLoop ();
    start ((obj, res) => loop.quit ());
    run_loop (loop);
}

void assert_channel_error (Error? e, int code) {
    if (e == null)
        error ("expected channel error %d, got no error", code);
    if (!e.matches (Gcs.ChannelError.quark (), code))
        error ("expected channel error %d, got %s %d: %s", code, e.domain.to_string (), e.code, e.message);
}

/* A widget stand-in: a plain GObject with an int property. */
class Gauge : Object {
    public int level { get; set; default = -1; }
}

/* Watch ------------------------------------------------------------------ */

void test_watch_basics () {
    Gcs.WatchSender tx;
    Gcs.WatchReceiver rx;
    Gcs.watch_new (0, out tx, out rx);
    assert (tx.item_type == typeof (int));
    assert (rx.get_item_type () == typeof (int));
    assert (!rx.has_changed ());
    try {
        assert (tx.send (5));
        assert (rx.has_changed ());
        assert (tx.get_value ().get_int () == 5);
        assert (rx.get_value ().get_int () == 5);
        assert (!rx.has_changed ());
        /* A clone has seen what its original has seen; a subscriber, the
         * current value. */
        tx.send (6);
        var clone = rx.clone ();
        var late = tx.subscribe ();
        assert (clone.has_changed ());
        assert (!late.has_changed ());
        assert (late.get_value ().get_int () == 6);
    } catch (Error e) {
        error ("%s", e.message);
    }
    try {
        tx.send (1.5);
        error ("1.5 into an int watch was accepted");
    } catch (Error e) {
        assert_channel_error (e, Gcs.ChannelError.TYPE);
    }
    tx.close ();
    try {
        tx.send (7);
        error ("a send after close was accepted");
    } catch (Error e) {
        assert_channel_error (e, Gcs.ChannelError.CLOSED);
    }
}

async void watch_progress () {
    Gcs.WatchSender tx;
    Gcs.WatchReceiver rx;
    Gcs.watch_new (0.0, out tx, out rx);
    var worker = new Thread<void> ("worker", () => {
        for (int i = 1; i <= 100; i++) {
            try {
                tx.send (i / 100.0);
            } catch (Error e) {
                error ("%s", e.message);
            }
            if (i % 10 == 0)
                Thread.usleep (1000);
        }
        tx = null;   /* the last handle goes: the watch ends */
    });
    double last = 0.0;
    int changes = 0;
    try {
        while (true) {
            yield rx.changed_async (null);
            var v = rx.get_value ().get_double ();
            assert (v > last);   /* only newer values, possibly skipping */
            last = v;
            changes++;
        }
    } catch (Error e) {
        assert_channel_error (e, Gcs.ChannelError.CLOSED);
    }
    worker.join ();
    assert (last == 1.0);
    assert (changes >= 1 && changes <= 100);
}

void test_watch_progress () {
    run_async ((cb) => watch_progress.begin (cb));
}

void test_watch_stream_bind () {
    Gcs.WatchSender tx;
    Gcs.WatchReceiver rx;
    Gcs.watch_new (0, out tx, out rx);
    var gauge = new Gauge ();
    var id = new Gcs.WatchStream (rx).bind_to_property (gauge, "level");
    assert (id > 0);
    var ctx = MainContext.default ();
    while (gauge.level != 0)
        ctx.iteration (true);
    try {
        for (int i = 1; i <= 50; i++)
            tx.send (i);
    } catch (Error e) {
        error ("%s", e.message);
    }
    while (gauge.level != 50)
        ctx.iteration (true);
    tx = null;
    while (ctx.find_source_by_id (id) != null)
        ctx.iteration (true);
    assert (gauge.level == 50);
}

/* Broadcast -------------------------------------------------------------- */

void test_broadcast_basics () {
    Gcs.BroadcastSender tx;
    Gcs.BroadcastReceiver rx;
    Gcs.broadcast_new (typeof (string), 4, out tx, out rx);
    assert (tx.capacity == 4);
    assert (rx.get_capacity () == 4);
    try {
        assert (tx.send ("one") == 1);
        var rx2 = tx.subscribe ();
        assert (tx.receiver_count == 2);
        assert (tx.send ("two") == 2);
        assert (rx.length == 2);
        assert (rx.try_recv ().get_string () == "one");
        assert (rx.try_recv ().get_string () == "two");
        assert (rx2.try_recv ().get_string () == "two");
        /* 6 into a ring of 4: rx2 lags by 2. */
        for (int i = 0; i < 6; i++)
            tx.send ("v%d".printf (i));
        try {
            rx2.try_recv ();
            error ("no lag reported");
        } catch (Error e) {
            assert_channel_error (e, Gcs.ChannelError.LAGGED);
            assert ("missed 2 values" in e.message);
        }
        assert (rx2.lagged == 2);
        assert (rx2.try_recv ().get_string () == "v2");
    } catch (Error e) {
        error ("%s", e.message);
    }
    tx.close ();
    try {
        tx.send ("late");
        error ("a send after close was accepted");
    } catch (Error e) {
        assert_channel_error (e, Gcs.ChannelError.CLOSED);
    }
}

async void broadcast_events () {
    Gcs.BroadcastSender tx;
    Gcs.BroadcastReceiver rx;
    Gcs.broadcast_new (typeof (int), 256, out tx, out rx);
    var audit = tx.subscribe ();
    var worker = new Thread<void> ("worker", () => {
        for (int i = 0; i < 1000; i++) {
            try {
                assert (tx.send (i) == 2);
            } catch (Error e) {
                error ("%s", e.message);
            }
            if (i % 100 == 99)
                Thread.usleep (2000);
        }
        tx = null;
    });
    /* One receiver with recv_async... */
    int expected = 0;
    uint64 missed = 0;
    while (true) {
        unowned Value? v = null;
        try {
            v = yield rx.recv_async (null);
        } catch (Error e) {
            assert_channel_error (e, Gcs.ChannelError.LAGGED);
            continue;
        }
        if (v == null)
            break;
        assert (v.get_int () >= expected);
        expected = v.get_int () + 1;
    }
    missed = rx.lagged;
    assert (expected == 1000);
    worker.join ();

    /* ...the other as a stream, which skips what it missed. */
    var stream = new Gcs.BroadcastStream (audit);
    uint64 skipped = 0;
    stream.lagged_values.connect ((count) => skipped += count);
    int received = 0;
    try {
        unowned Value? v;
        while ((v = yield stream.next_async (null)) != null)
            received++;
    } catch (Error e) {
        error ("%s", e.message);
    }
    assert (received + skipped == 1000);
    assert (stream.lagged == skipped);
    assert (missed <= 1000);
}

void test_broadcast_events () {
    run_async ((cb) => broadcast_events.begin (cb));
}

void test_broadcast_stream_lagged () {
    Gcs.BroadcastSender tx;
    Gcs.BroadcastReceiver rx;
    Gcs.broadcast_new (typeof (int), 2, out tx, out rx);
    var stream = new Gcs.BroadcastStream (rx);
    uint signals = 0;
    uint64 skipped = 0;
    stream.lagged_values.connect ((count) => {
        signals++;
        skipped += count;
    });
    try {
        for (int i = 0; i < 5; i++)
            tx.send (i);
    } catch (Error e) {
        error ("%s", e.message);
    }
    tx = null;
    int[] got = {};
    var loop = new MainLoop ();
    stream.for_each_async.begin ((item) => got += item.get_int (), null, (obj, res) => {
        try {
            assert (stream.for_each_async.end (res));
        } catch (Error e) {
            error ("%s", e.message);
        }
        loop.quit ();
    });
    run_loop (loop);
    assert (got.length == 2 && got[0] == 3 && got[1] == 4);
    assert (signals == 1 && skipped == 3);
    assert (stream.lagged == 3 && stream.get_lagged () == 3);
}

/* Oneshot ---------------------------------------------------------------- */

async void oneshot_roundtrip () {
    Gcs.OneshotSender tx;
    Gcs.OneshotReceiver rx;
    Gcs.oneshot_new (typeof (string), out tx, out rx);
    var worker = new Thread<void> ("worker", () => {
        try {
            tx.send ("done");
        } catch (Error e) {
            error ("%s", e.message);
        }
    });
    try {
        unowned Value? v = yield rx.recv_async (null);
        assert (v.get_string () == "done");
        v = yield rx.recv_async (null);
        assert (v == null);   /* taken: the end */
    } catch (Error e) {
        error ("%s", e.message);
    }
    worker.join ();

    Gcs.oneshot_new (typeof (string), out tx, out rx);
    try {
        assert (tx.send_error (new IOError.NOT_FOUND ("nothing there")));
        yield rx.recv_async (null);
        error ("the sent error was not raised");
    } catch (Error e) {
        assert (e is IOError.NOT_FOUND);
        assert (e.message == "nothing there");
    }

    Gcs.oneshot_new (typeof (string), out tx, out rx);
    tx = null;   /* dropped unsent */
    try {
        yield rx.recv_async (null);
        error ("no CLOSED");
    } catch (Error e) {
        assert_channel_error (e, Gcs.ChannelError.CLOSED);
    }
}

void test_oneshot () {
    run_async ((cb) => oneshot_roundtrip.begin (cb));
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/watch/basics", test_watch_basics);
    Test.add_func ("/vala/watch/progress", test_watch_progress);
    Test.add_func ("/vala/watch/stream-bind", test_watch_stream_bind);
    Test.add_func ("/vala/broadcast/basics", test_broadcast_basics);
    Test.add_func ("/vala/broadcast/events", test_broadcast_events);
    Test.add_func ("/vala/broadcast/stream-lagged", test_broadcast_stream_lagged);
    Test.add_func ("/vala/oneshot/roundtrip", test_oneshot);
    return Test.run ();
}
