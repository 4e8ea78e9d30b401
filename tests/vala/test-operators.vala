/* Vala binding tests for the operators GUI code needs (issue 15), through
 * gchanstream-1.0.vapi: the callback operators (map_while, exhaust_map,
 * on_end, Stream.defer, Stream.retry) called with Vala lambdas, and the
 * group, the share and the list store binding.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const uint TIMEOUT_S = 10;

[Compact]
[CCode (cname = "GValueArray", cheader_filename = "glib-object.h", free_function = "g_value_array_free")]
extern class Seq {
    [CCode (array_length_cname = "n_values", array_length_type = "guint")]
    public Value[] values;
}

string show (Value v) {
    if (v.holds (Type.from_name ("GValueArray"))) {
        var parts = new string[0];
        foreach (unowned Value item in ((Seq) v.get_boxed ()).values)
            parts += show (item);
        return "[" + string.joinv (", ", parts) + "]";
    }
    if (v.holds (typeof (string)))
        return "\"" + v.get_string () + "\"";
    if (v.holds (typeof (int)))
        return v.get_int ().to_string ();
    if (v.holds (typeof (uint64)))
        return v.get_uint64 ().to_string ();
    return v.type_name ();
}

Gcs.Stream ints (int[] xs) {
    var vals = new Value[xs.length];
    for (int i = 0; i < xs.length; i++) {
        vals[i] = Value (typeof (int));
        vals[i].set_int (xs[i]);
    }
    return Gcs.Stream.from_values (vals);
}

/* Collects @stream on a main loop of its own: its items as text, or the
 * error's message after a '#'. */
string collect (Gcs.Stream stream) {
    var loop = new MainLoop ();
    string text = "";
    var id = Timeout.add_seconds (TIMEOUT_S, () => {
        error ("the main loop timed out");
    });
    stream.collect_async.begin (null, (obj, res) => {
        try {
            unowned Value? got = stream.collect_async.end (res);
            text = show (got);
        } catch (Error e) {
            text = "#" + e.message;
        }
        loop.quit ();
    });
    loop.run ();
    Source.remove (id);
    return text;
}

void test_map_while () {
    var s = ints ({ 1, 2, 3, 1 }).map_while ((item, out result) => {
        if (item.get_int () < 3)
            result = item.get_int () * 10;
        else
            result = Value (typeof (void*));   /* nothing: a null pointer */
    });
    assert_cmpstr (collect (s), CompareOperator.EQ, "[10, 20]");
}

void test_exhaust_map_enumerate () {
    var s = ints ({ 1, 2 }).exhaust_map ((item) => ints ({ item.get_int (), item.get_int () * 10 }));
    assert_cmpstr (collect (s.enumerate ()), CompareOperator.EQ, "[[0, 1], [1, 10], [2, 2], [3, 20]]");
}

void test_on_end () {
    int calls = 0;
    bool had_error = true;
    var s = ints ({ 1, 2 }).on_end ((error) => {
        calls++;
        had_error = error != null;
    });
    assert_cmpstr (collect (s), CompareOperator.EQ, "[1, 2]");
    assert_cmpint (calls, CompareOperator.EQ, 1);
    assert_false (had_error);
}

void test_defer_retry () {
    int made = 0;
    var deferred = Gcs.Stream.defer (() => {
        made++;
        return ints ({ 7 });
    });
    assert_cmpint (made, CompareOperator.EQ, 0);
    assert_cmpstr (collect (deferred), CompareOperator.EQ, "[7]");
    assert_cmpint (made, CompareOperator.EQ, 1);

    int attempts = 0;
    var retried = Gcs.Stream.retry (() => {
        attempts++;
        if (attempts < 3)
            throw new IOError.FAILED ("offline");
        return ints ({ 1, 2 });
    }, 3, 1);
    assert_cmpstr (collect (retried), CompareOperator.EQ, "[1, 2]");
    assert_cmpint (attempts, CompareOperator.EQ, 3);
}

void test_combine_group_share () {
    Gcs.Stream[] both = { ints ({ 1 }), ints ({ 2, 3 }) };
    assert_cmpstr (collect (Gcs.Stream.combine_latest (both)), CompareOperator.EQ, "[[1, 2], [1, 3]]");

    var group = new Gcs.StreamGroup ();
    group.insert ("a", ints ({ 1 }));
    group.close ();
    assert_cmpstr (collect (group), CompareOperator.EQ, "[[\"a\", 1]]");

    var share = ints ({ 4, 5 }).share (8, 1);
    var sub = share.subscribe ();
    assert_cmpstr (collect (sub), CompareOperator.EQ, "[4, 5]");
    assert_cmpstr (collect (share.subscribe ()), CompareOperator.EQ, "[5]");
}

void test_list_store () {
    var store = new ListStore (typeof (SimpleAction));
    var vals = new Value[3];
    for (int i = 0; i < 3; i++) {
        vals[i] = Value (typeof (SimpleAction));
        vals[i].set_object (new SimpleAction ("a%d".printf (i), null));
    }
    bool ended = false;
    Gcs.Stream.from_values (vals).on_end (() => { ended = true; })
        .bind_to_list_store (store, Gcs.ListStoreMode.APPEND, 2);
    var context = MainContext.default ();
    var deadline = get_monotonic_time () + TIMEOUT_S * 1000000;
    while (!ended && get_monotonic_time () < deadline)
        context.iteration (true);
    assert_true (ended);
    assert_cmpuint (store.get_n_items (), CompareOperator.EQ, 2);
    assert_cmpstr (((SimpleAction) store.get_item (1)).name, CompareOperator.EQ, "a2");
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/operators/map-while", test_map_while);
    Test.add_func ("/vala/operators/exhaust-map-enumerate", test_exhaust_map_enumerate);
    Test.add_func ("/vala/operators/on-end", test_on_end);
    Test.add_func ("/vala/operators/defer-retry", test_defer_retry);
    Test.add_func ("/vala/operators/combine-group-share", test_combine_group_share);
    Test.add_func ("/vala/operators/list-store", test_list_store);
    return Test.run ();
}
