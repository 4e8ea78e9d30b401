/* Vala binding tests for streams, through gchanstream-1.0.vapi.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Sequence items (chunks, zip, collect) are GValues holding a GValueArray;
 * GLib.ValueArray is deprecated, so a small compact class below reads them
 * without deprecation warnings.
 */

const uint TIMEOUT_S = 10;

errordomain TestError {
    BAD_ITEM
}

Quark bad_item_domain () {   /* TestError's, which Vala does not expose */
    return Quark.from_string ("test-error-quark");
}

/* Read-only view of a GValueArray. */
[Compact]
[CCode (cname = "GValueArray", cheader_filename = "glib-object.h", free_function = "g_value_array_free")]
extern class Seq {
    [CCode (array_length_cname = "n_values", array_length_type = "guint")]
    public Value[] values;
}

unowned Seq as_seq (Value v) {
    assert (v.holds (Type.from_name ("GValueArray")));
    return (Seq) v.get_boxed ();
}

/* Runs @loop until something quits it; aborts the test after TIMEOUT_S. */
void run_loop (MainLoop loop) {
    var id = Timeout.add_seconds (TIMEOUT_S, () => {
        error ("the main loop timed out");
    });
    loop.run ();
    Source.remove (id);
}

void iterate (uint ms) {
    var loop = new MainLoop ();
    Timeout.add (ms, () => {
        loop.quit ();
        return Source.REMOVE;
    });
    loop.run ();
}

/* Starts an async test; runs the loop until it completes. Async tests
 * catch their own errors and report them with error (). */
delegate void AsyncStarter (AsyncReadyCallback callback);

void run_async (AsyncStarter start) {
    var loop = new MainLoop ();
    start ((obj, res) => loop.quit ());
    run_loop (loop);
}

async void sleep_async (uint ms) {
    Timeout.add (ms, sleep_async.callback);
    yield;
}

string join_ints (int[] values) {
    var sb = new StringBuilder ("[");
    foreach (var v in values)
        sb.append_printf ("%s%d", sb.len > 1 ? ", " : "", v);
    return sb.str + "]";
}

void assert_ints (int[] got, int[] expected) {
    assert_cmpstr (join_ints (got), CompareOperator.EQ, join_ints (expected));
}

/* A readable form of any item: ints, strings, sequences as [..]. */
string show (Value v) {
    if (v.holds (typeof (int)))
        return v.get_int ().to_string ();
    if (v.holds (typeof (int64)))
        return v.get_int64 ().to_string ();
    if (v.holds (typeof (string)))
        return "\"" + v.get_string () + "\"";
    if (v.holds (Type.from_name ("GValueArray"))) {
        var sb = new StringBuilder ("[");
        foreach (unowned Value item in as_seq (v).values)
            sb.append_printf ("%s%s", sb.len > 1 ? ", " : "", show (item));
        return sb.str + "]";
    }
    return "<" + v.type_name () + ">";
}

void assert_shows (Value? v, string expected) {
    assert (v != null);
    assert_cmpstr (show (v), CompareOperator.EQ, expected);
}

/* The ints of a collect result. */
int[] seq_ints (Value v) {
    int[] out = {};
    foreach (unowned Value item in as_seq (v).values)
        out += item.get_int ();
    return out;
}

Gcs.Stream ints (int[] xs) {
    var vals = new Value[xs.length];
    for (int i = 0; i < xs.length; i++) {
        vals[i] = Value (typeof (int));
        vals[i].set_int (xs[i]);
    }
    return Gcs.Stream.from_values (vals);
}

Gcs.Stream strings (string[] xs) {
    var vals = new Value[xs.length];
    for (int i = 0; i < xs.length; i++) {
        vals[i] = Value (typeof (string));
        vals[i].set_string (xs[i]);
    }
    return Gcs.Stream.from_values (vals);
}

int[] range (int from, int to) {
    int[] r = {};
    for (int i = from; i < to; i++)
        r += i;
    return r;
}

/* A producer thread: sends @n ints from @first with send_blocking into a
 * bounded channel (it stops at CLOSED); returns a ReceiverStream. */
class Producer {
    public Gcs.Stream? stream;
    public Thread<void> thread;
    public Error? send_error = null;

    public Producer (int first, int n, uint capacity = 4) {
        Gcs.Sender tx;
        Gcs.Receiver rx;
        Gcs.channel_new (typeof (int), capacity, out tx, out rx);
        stream = new Gcs.ReceiverStream (rx);
        thread = new Thread<void> ("producer", () => {
            try {
                for (int i = first; i < first + n; i++)
                    tx.send_blocking (i);
            } catch (Error e) {
                send_error = e;
            }
            tx.close ();
        });
    }

    public void join () {
        thread.join ();
    }

    /* Hands the stream over, so that Producer does not keep the receiver. */
    public Gcs.Stream take_stream () {
        return (owned) stream;
    }
}

void assert_error (Error? e, Quark domain, int code, string? message = null) {
    if (e == null)
        error ("expected %s:%d, got no error", domain.to_string (), code);
    if (!e.matches (domain, code))
        error ("expected %s:%d, got %s:%d: %s", domain.to_string (), code,
               e.domain.to_string (), e.code, e.message);
    if (message != null)
        assert_cmpstr (e.message, CompareOperator.EQ, message);
}

/* 1. pipelines ------------------------------------------------------------ */

async void pipeline_async () {
    var p = new Producer (0, 1000, 8);
    var main_thread = Thread.self<void> ();
    bool all_on_main = true;
    try {
        unowned Value? got = yield p.stream
            .map ((item, out result) => {
                all_on_main &= Thread.self<void> () == main_thread;
                result = item.get_int () * 2;
            })
            .filter ((item) => item.get_int () % 3 == 0)
            .collect_async (null);
        int[] expected = {};
        for (int i = 0; i < 1000; i++)
            if (i * 2 % 3 == 0)
                expected += i * 2;
        assert_ints (seq_ints (got), expected);
    } catch (Error e) {
        error ("%s", e.message);
    }
    p.join ();
    assert (all_on_main);
}

void test_pipeline () {
    run_async ((cb) => pipeline_async.begin (cb));
}

async void chunks_zip_async () {
    var p = new Producer (0, 7);
    try {
        assert_shows (yield p.stream.chunks (3).collect_async (null), "[[0, 1, 2], [3, 4, 5], [6]]");
        p.join ();
        /* A callback gets a chunk as a GValueArray. */
        assert_shows (yield ints ({ 1, 2, 3, 4, 5 }).chunks (2).map ((c, out r) => {
            int sum = 0;
            foreach (unowned Value v in as_seq (c).values)
                sum += v.get_int ();
            r = sum;
        }).collect_async (null), "[3, 7, 5]");
        assert_shows (yield ints ({ 0, 1, 2, 3 }).zip (strings ({ "a", "b", "c" })).collect_async (null),
                      "[[0, \"a\"], [1, \"b\"], [2, \"c\"]]");
    } catch (Error e) {
        error ("%s", e.message);
    }
}

void test_chunks_zip () {
    run_async ((cb) => chunks_zip_async.begin (cb));
}

async void scan_take_skip_async () {
    var p = new Producer (1, 1000);
    try {
        var init = Value (typeof (int));
        init.set_int (0);
        unowned Value? got = yield p.take_stream ()
            .scan (init, (acc, item, out result) => { result = acc.get_int () + item.get_int (); })
            .skip (2).take (3).collect_async (null);
        assert_ints (seq_ints (got), { 6, 10, 15 });
    } catch (Error e) {
        error ("%s", e.message);
    }
    /* take let its upstream go: the blocked producer gets CLOSED. */
    p.join ();
    assert_error (p.send_error, Gcs.ChannelError.quark (), Gcs.ChannelError.CLOSED);
}

void test_scan_take_skip () {
    run_async ((cb) => scan_take_skip_async.begin (cb));
}

async void while_filter_map_async () {
    try {
        assert_shows (yield ints ({ 1, 2, 3, 10, 1 }).take_while ((v) => v.get_int () < 5).collect_async (null),
                      "[1, 2, 3]");
        assert_shows (yield ints ({ 1, 2, 3, 10, 1 }).skip_while ((v) => v.get_int () < 5).collect_async (null),
                      "[10, 1]");
        int[] seen = {};
        assert_shows (yield ints ({ 1, 1, 2, 2, 3, 1, 4 })
                      .distinct_until_changed ()
                      .inspect ((v) => { seen += v.get_int (); })
                      .filter_map ((v, out r) => {
                          /* A NULL pointer value (or, from C, leaving r
                           * unset) drops the item. */
                          if (v.get_int () % 2 == 0)
                              r = "even %d".printf (v.get_int ());
                          else
                              r = Value (typeof (void*));
                      })
                      .collect_async (null), "[\"even 2\", \"even 4\"]");
        assert_ints (seen, { 1, 2, 3, 1, 4 });
        assert_shows (yield ints ({ 0, 1 }).chain (strings ({ "x" })).buffered (2).collect_async (null),
                      "[0, 1, \"x\"]");
    } catch (Error e) {
        error ("%s", e.message);
    }
}

void test_while_filter_map () {
    run_async ((cb) => while_filter_map_async.begin (cb));
}

async void merge_flat_map_async () {
    var a = new Producer (0, 50);
    var b = new Producer (100, 50);
    try {
        unowned Value? got = yield a.stream.merge (b.stream).collect_async (null);
        int[] left = {}, right = {};
        foreach (var v in seq_ints (got)) {
            if (v < 100)
                left += v;
            else
                right += v;
        }
        assert_ints (left, range (0, 50));
        assert_ints (right, range (100, 150));
    } catch (Error e) {
        error ("%s", e.message);
    }
    a.join ();
    b.join ();

    var p = new Producer (1, 3);
    try {
        assert_shows (yield p.stream.flat_map ((item) => {
            int[] inner = {};
            for (int i = 0; i < item.get_int (); i++)
                inner += item.get_int () * 10 + i;
            return ints (inner);
        }).collect_async (null), "[10, 20, 21, 30, 31, 32]");
    } catch (Error e) {
        error ("%s", e.message);
    }
    p.join ();

    try {
        unowned Value? got = yield ints (range (0, 6))
            .flat_map_unordered ((item) => ints ({ item.get_int (), item.get_int () + 100 }), 3)
            .collect_async (null);
        var all = seq_ints (got);
        assert_cmpint (all.length, CompareOperator.EQ, 12);
        for (int v = 0; v < 6; v++) {
            int first = -1, second = -1;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == v)
                    first = i;
                if (all[i] == v + 100)
                    second = i;
            }
            assert (first >= 0 && second > first);
        }
    } catch (Error e) {
        error ("%s", e.message);
    }
}

void test_merge_flat_map () {
    run_async ((cb) => merge_flat_map_async.begin (cb));
}

async void int64_async () {
    try {
        assert_shows (yield ints ({ 1, 2, -3 }).map ((v, out r) => { r = (int64) v.get_int () << 40; })
                      .collect_async (null), "[1099511627776, 2199023255552, -3298534883328]");
    } catch (Error e) {
        error ("%s", e.message);
    }
}

void test_int64 () {
    run_async ((cb) => int64_async.begin (cb));
}

/* 2. terminal operations ------------------------------------------------- */

async void terminal_async () {
    try {
        var p = new Producer (1, 100);
        var init = Value (typeof (int));
        init.set_int (0);
        unowned Value? sum = yield p.stream.fold_async (init, (acc, item, out r) => {
            r = acc.get_int () + item.get_int ();
        }, null);
        assert_shows (sum, "5050");
        p.join ();

        init.set_int (7);
        assert_shows (yield ints ({}).fold_async (init, (acc, item, out r) => { r = 0; }, null), "7");

        p = new Producer (0, 10);
        var n = yield p.stream.filter ((v) => v.get_int () > 2).count_async (null);
        assert (n == 7);
        p.join ();

        p = new Producer (0, 5);
        int[] seen = {};
        var ok = yield p.stream.for_each_async ((v) => { seen += v.get_int (); }, null);
        assert (ok);
        assert_ints (seen, range (0, 5));
        p.join ();
    } catch (Error e) {
        error ("%s", e.message);
    }
}

void test_terminal () {
    run_async ((cb) => terminal_async.begin (cb));
}

async void next_async () {
    var p = new Producer (0, 3);
    var s = p.stream.map ((v, out r) => { r = "item %d".printf (v.get_int ()); });
    try {
        string[] got = {};
        for (int i = 0; i < 3; i++) {
            unowned Value? v = yield s.next_async (null);
            assert (v != null);
            got += v.get_string ();   /* copy before the next yield */
        }
        assert_cmpstr (string.joinv (",", got), CompareOperator.EQ, "item 0,item 1,item 2");
        /* The end, and it stays ended. */
        for (int i = 0; i < 2; i++) {
            unowned Value? end = yield s.next_async (null);
            assert (end == null);
        }
    } catch (Error e) {
        error ("%s", e.message);
    }
    p.join ();
}

void test_next () {
    run_async ((cb) => next_async.begin (cb));
}

async void forward_async () {
    var p = new Producer (0, 20);
    Gcs.Sender tx2;
    Gcs.Receiver rx2;
    Gcs.channel_new (typeof (string), 2, out tx2, out rx2);
    string[] got = {};
    int ends = 0;
    rx2.attach (null, (r, v) => {
        if (v == null)
            ends++;
        else
            got += v.get_string ();
        return Source.CONTINUE;
    });
    try {
        var ok = yield p.stream.map ((v, out r) => { r = "item %d".printf (v.get_int ()); })
                .forward_async (tx2, null);
        assert (ok);
    } catch (Error e) {
        error ("%s", e.message);
    }
    p.join ();
    yield sleep_async (50);
    assert_cmpint (got.length, CompareOperator.EQ, 20);
    assert_cmpstr (got[19], CompareOperator.EQ, "item 19");
    assert_cmpint (ends, CompareOperator.EQ, 1);   /* forward closed the sink */
}

void test_forward () {
    run_async ((cb) => forward_async.begin (cb));
}

class Progress : Object {
    public int value { get; set; default = -1; }
}

void test_bind_to_property () {
    var target = new Progress ();
    int[] notified = {};
    target.notify["value"].connect (() => { notified += target.value; });
    Gcs.Sender tx;
    Gcs.Receiver rx;
    Gcs.channel_new (typeof (int), 8, out tx, out rx);
    var sid = new Gcs.ReceiverStream (rx)
        .map ((v, out r) => { r = v.get_int () * 10; })
        .bind_to_property (target, "value");
    assert_cmpuint (sid, CompareOperator.GT, 0);
    iterate (20);
    assert_cmpint (notified.length, CompareOperator.EQ, 0);
    var producer = new Thread<void> ("producer", () => {
        try {
            for (int i = 1; i <= 5; i++)
                tx.send_blocking (i);
        } catch (Error e) {
            error ("%s", e.message);
        }
        tx.close ();
    });
    producer.join ();
    iterate (50);
    assert_cmpint (target.value, CompareOperator.EQ, 50);
    assert_ints (notified, { 10, 20, 30, 40, 50 });
    assert_null (MainContext.default ().find_source_by_id (sid));
}

/* 3. errors ---------------------------------------------------------------- */

async void throwing_async () {
    /* A throwing map lambda ends collect with that very error. */
    var p = new Producer (0, 1000, 2);
    int[] seen = {};
    Error? err = null;
    try {
        yield p.take_stream ().map ((v, out r) => {
            seen += v.get_int ();
            if (v.get_int () == 3)
                throw new TestError.BAD_ITEM ("bad item %d", v.get_int ());
            r = v.get_int ();
        }).collect_async (null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, bad_item_domain (), TestError.BAD_ITEM, "bad item 3");
    assert_ints (seen, { 0, 1, 2, 3 });
    /* The failed pipeline let the channel go: the producer gets CLOSED. */
    p.join ();
    assert_error (p.send_error, Gcs.ChannelError.quark (), Gcs.ChannelError.CLOSED);

    /* for_each */
    err = null;
    seen = {};
    try {
        yield ints (range (0, 10)).for_each_async ((v) => {
            seen += v.get_int ();
            if (v.get_int () == 4)
                throw new IOError.NOT_FOUND ("stop here");
        }, null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, IOError.quark (), IOError.NOT_FOUND, "stop here");
    assert_ints (seen, range (0, 5));

    /* filter, scan, flat_map, fold */
    err = null;
    try {
        yield ints ({ 1, 2 }).filter ((v) => { throw new TestError.BAD_ITEM ("filter"); }).count_async (null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, bad_item_domain (), TestError.BAD_ITEM, "filter");
    err = null;
    try {
        yield ints ({ 1, 2 }).flat_map ((v) => { throw new TestError.BAD_ITEM ("flat_map"); })
            .count_async (null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, bad_item_domain (), TestError.BAD_ITEM, "flat_map");
    err = null;
    try {
        var init = Value (typeof (int));
        init.set_int (0);
        yield ints ({ 1, 2 }).fold_async (init, (a, v, out r) => {
            throw new TestError.BAD_ITEM ("fold");
        }, null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, bad_item_domain (), TestError.BAD_ITEM, "fold");
}

void test_throwing_callbacks () {
    run_async ((cb) => throwing_async.begin (cb));
}

async void catch_error_async () {
    string? caught = null;
    try {
        assert_shows (yield ints ({ 0, 1, 2, 3, 4 }).map ((v, out r) => {
            if (v.get_int () == 2)
                throw new TestError.BAD_ITEM ("two");
            r = v.get_int ();
        }).catch_error ((e) => {
            caught = "%s:%d:%s".printf (e.domain.to_string (), e.code, e.message);
            return strings ({ "replacement", e.message });
        }).collect_async (null), "[0, 1, \"replacement\", \"two\"]");
    } catch (Error e) {
        error ("%s", e.message);
    }
    assert_cmpstr (caught, CompareOperator.EQ, "test-error-quark:0:two");

    /* The replacement's own errors are not caught again. */
    Error? err = null;
    try {
        yield ints ({ 1 }).map ((v, out r) => { throw new TestError.BAD_ITEM ("first"); })
            .catch_error ((e) => ints ({ 1 }).map ((v, out r) => {
                throw new IOError.FAILED ("second");
            })).collect_async (null);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, IOError.quark (), IOError.FAILED, "second");
}

void test_catch_error () {
    run_async ((cb) => catch_error_async.begin (cb));
}

/* 4. cancellation ---------------------------------------------------------- */

async void cancel_async () {
    Gcs.Sender tx;
    Gcs.Receiver rx;
    Gcs.channel_new (typeof (int), 4, out tx, out rx);
    try {
        tx.try_send (1);
    } catch (Error e) {
        error ("%s", e.message);
    }
    var c = new Cancellable ();
    Timeout.add (30, () => {
        c.cancel ();
        return Source.REMOVE;
    });
    int[] seen = {};
    Error? err = null;
    try {
        yield new Gcs.ReceiverStream (rx).for_each_async ((v) => { seen += v.get_int (); }, c);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, IOError.quark (), IOError.CANCELLED);
    assert_ints (seen, { 1 });

    /* A cancelled next takes nothing. */
    Gcs.channel_new (typeof (int), 4, out tx, out rx);
    var s = new Gcs.ReceiverStream (rx);
    c = new Cancellable ();
    Timeout.add (30, () => {
        c.cancel ();
        return Source.REMOVE;
    });
    err = null;
    try {
        yield s.next_async (c);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, IOError.quark (), IOError.CANCELLED);
    try {
        tx.try_send (5);
        assert_shows (yield s.next_async (null), "5");
    } catch (Error e) {
        error ("%s", e.message);
    }

    /* collect */
    Gcs.channel_new (typeof (int), 4, out tx, out rx);
    c = new Cancellable ();
    c.cancel ();
    err = null;
    try {
        yield new Gcs.ReceiverStream (rx).map ((v, out r) => { r = v.get_int (); }).collect_async (c);
    } catch (Error e) {
        err = e;
    }
    assert_error (err, IOError.quark (), IOError.CANCELLED);
}

void test_cancel () {
    run_async ((cb) => cancel_async.begin (cb));
}

/* 5. lifetime ------------------------------------------------------------- */

void test_closures_released () {
    /* A lambda's captured object is released with the finished stream. */
    var token = new Object ();
    var weak = WeakRef (token);
    var loop = new MainLoop ();
    {
        var s = ints ({ 1, 2, 3 }).map ((v, out r) => {
            r = v.get_int () + (token != null ? 1 : 0);
        });
        s.collect_async.begin (null, (obj, res) => {
            try {
                assert_ints (seq_ints (s.collect_async.end (res)), { 2, 3, 4 });
            } catch (Error e) {
                error ("%s", e.message);
            }
            loop.quit ();
        });
        run_loop (loop);
    }
    token = null;
    iterate (10);
    assert_null (weak.get ());
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/stream/pipeline", test_pipeline);
    Test.add_func ("/vala/stream/chunks-zip", test_chunks_zip);
    Test.add_func ("/vala/stream/scan-take-skip", test_scan_take_skip);
    Test.add_func ("/vala/stream/while-filter-map", test_while_filter_map);
    Test.add_func ("/vala/stream/merge-flat-map", test_merge_flat_map);
    Test.add_func ("/vala/stream/int64", test_int64);
    Test.add_func ("/vala/stream/terminal", test_terminal);
    Test.add_func ("/vala/stream/next", test_next);
    Test.add_func ("/vala/stream/forward", test_forward);
    Test.add_func ("/vala/stream/bind-to-property", test_bind_to_property);
    Test.add_func ("/vala/stream/throwing-callbacks", test_throwing_callbacks);
    Test.add_func ("/vala/stream/catch-error", test_catch_error);
    Test.add_func ("/vala/stream/cancel", test_cancel);
    Test.add_func ("/vala/stream/closures-released", test_closures_released);
    return Test.run ();
}
