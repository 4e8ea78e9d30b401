/* Vala binding tests of what tokio's channels have (issue 14), through
 * gchanstream-1.0.vapi: every new call, used as a Vala user writes it
 * (async methods with yield, the predicate as a lambda).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const uint TIMEOUT_S = 10;

/* Read-only view of a GValueArray (a sequence item), as in test-stream.vala. */
[Compact]
[CCode (cname = "GValueArray", cheader_filename = "glib-object.h", free_function = "g_value_array_free")]
extern class Seq {
    [CCode (array_length_cname = "n_values", array_length_type = "guint")]
    public Value[] values;
}

void run_until (ref bool done) {
    var deadline = get_monotonic_time () + TIMEOUT_S * 1000000;
    while (!done) {
        if (get_monotonic_time () > deadline)
            error ("timed out");
        MainContext.default ().iteration (true);
    }
}

class Gauge : Object {
    public int level { get; set; default = 0; }
    public signal void tick (int n);
}

async void closed_and_recv_many (out bool ok) throws Error {
    Gcs.Sender tx;
    Gcs.Receiver rx;
    Gcs.channel_new (typeof (int), 8, out tx, out rx);
    for (int i = 0; i < 3; i++)
        tx.try_send (i);
    unowned Value? many = yield rx.recv_many_async (8, null);
    unowned Seq seq = (Seq) many.get_boxed ();
    assert (seq.values.length == 3);
    assert (seq.values[2].get_int () == 2);
    assert (!rx.is_closed ());
    rx.close ();
    assert (rx.is_closed ());
    assert (yield tx.closed_async (null));

    Gcs.OneshotSender otx;
    Gcs.OneshotReceiver orx;
    Gcs.oneshot_new (typeof (int), out otx, out orx);
    orx.close ();
    assert (yield otx.closed_async (null));

    Gcs.BroadcastSender btx;
    Gcs.BroadcastReceiver brx;
    Gcs.broadcast_new (typeof (int), 4, out btx, out brx);
    var resub = brx.resubscribe ();
    btx.send (7);
    assert (resub.try_recv ().get_int () == 7);
    brx = null;
    resub = null;
    assert (yield btx.closed_async (null));
    ok = true;
}

async void watch_peers (out bool ok) throws Error {
    Gcs.WatchSender tx;
    Gcs.WatchReceiver rx;
    Gcs.watch_new (0, out tx, out rx);
    assert (tx.get_receiver_count () == 1);
    assert (tx.receiver_count == 1);
    assert (tx.send_if_changed (1));
    assert (!tx.send_if_changed (1));
    assert (rx.peek_value ().get_int () == 1);
    assert (rx.has_changed ());
    Timeout.add (10, () => {
        try {
            tx.send (3);
        } catch (Error e) {
            error ("%s", e.message);
        }
        return Source.REMOVE;
    });
    int calls = 0;
    unowned Value? got = yield rx.wait_for_async ((item) => {
        calls++;
        return item.get_int () == 3;
    }, null);
    assert (got.get_int () == 3);
    assert (calls >= 2);
    assert (!rx.has_changed ());

    Gcs.Sink sink = tx;
    assert (sink != null);
    rx = null;
    assert (yield tx.closed_async (null));
    ok = true;
}

void test_channels () {
    bool done = false, ok = false;
    closed_and_recv_many.begin ((obj, res) => {
        try {
            closed_and_recv_many.end (res, out ok);
        } catch (Error e) {
            error ("%s", e.message);
        }
        done = true;
    });
    run_until (ref done);
    assert (ok);
}

void test_watch () {
    bool done = false, ok = false;
    watch_peers.begin ((obj, res) => {
        try {
            watch_peers.end (res, out ok);
        } catch (Error e) {
            error ("%s", e.message);
        }
        done = true;
    });
    run_until (ref done);
    assert (ok);
}

void test_bridges () {
    var gauge = new Gauge ();
    var ticks = Gcs.Stream.from_signal_full (gauge, "tick", 2, Gcs.Overflow.DROP_OLDEST) as Gcs.SignalStream;
    assert (ticks != null);
    assert (ticks.get_dropped () == 0);
    var levels = Gcs.Stream.from_property (gauge, "level");
    assert (levels != null);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/peers/channels", test_channels);
    Test.add_func ("/vala/peers/watch", test_watch);
    Test.add_func ("/vala/peers/bridges", test_bridges);
    return Test.run ();
}
