/* Every callback kind of gchanstream-1.0.vapi as Vala users write them
 * (lambdas), compiled by check-callbacks.py with
 * -Werror=incompatible-pointer-types: the vapi gives the items' C type,
 * const GValue *, so valac's generated C passes functions of the right
 * type (issue 13). Also runs them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

Value int_value (int v) {
    var value = Value (typeof (int));
    value.set_int (v);
    return value;
}

Gcs.Stream ints (int[] items) {
    Value[] values = {};
    foreach (var i in items)
        values += int_value (i);
    return Gcs.Stream.from_values (values);
}

async void pipeline_async (MainLoop loop) {
    try {
        var s = ints ({ 1, 2, 3, 4, 5, 6 })
            .map ((item, out result) => { result = int_value (item.get_int () * 10); })
            .filter ((item) => item.get_int () != 20)
            .filter_map ((item, out result) => { result = int_value (item.get_int () + 1); })
            .inspect ((item) => {})
            .take_while ((item) => item.get_int () < 100)
            .skip_while ((item) => item.get_int () < 11)
            .scan (int_value (0), (acc, item, out result) => {
                result = int_value (acc.get_int () + item.get_int ());
            })
            .flat_map ((item) => ints ({ item.get_int () }))
            .switch_map ((item, cancellable) => ints ({ item.get_int () }))
            .catch_error ((error) => ints ({ -1 }));
        var last = 0;
        yield s.for_each_async ((item) => { last = item.get_int (); }, null);
        /* The running sums of 11, 31, 41, 51, 61 (switch_map may drop all
         * but the latest): the last is 195. */
        assert (last == 195);

        unowned Value? sum = yield ints ({ 1, 2, 3 }).fold_async (int_value (0), (acc, item, out result) => {
            result = int_value (acc.get_int () + item.get_int ());
        }, null);
        assert (sum.get_int () == 6);

        var failed = ints ({ 1 }).map ((item, out result) => {
            throw new IOError.FAILED ("no");
        }).catch_error ((error) => {
            assert (error.message == "no");
            return ints ({ 7 });
        });
        unowned Value? seven = yield failed.next_async (null);
        assert (seven.get_int () == 7);

        /* The operators of the second round (issue 15). */
        string? ended = "not yet";
        var ops = ints ({ 1, 2, 3 })
            .map_while ((item, out result) => {
                if (item.get_int () < 3)
                    result = int_value (item.get_int () * 2);
            })
            .exhaust_map ((item) => ints ({ item.get_int () }))
            .on_end ((error) => { ended = error == null ? null : error.message; });
        var sum2 = 0;
        yield ops.for_each_async ((item) => { sum2 += item.get_int (); }, null);
        assert (sum2 == 6);
        assert (ended == null);

        var attempts = 0;
        var retried = Gcs.Stream.retry (() => {
            if (++attempts < 2)
                throw new IOError.FAILED ("offline");
            return ints ({ 9 });
        }, 3, 1);
        unowned Value? nine = yield Gcs.Stream.defer (() => retried).next_async (null);
        assert (nine.get_int () == 9 && attempts == 2);

        Gcs.WatchSender wtx;
        Gcs.WatchReceiver wrx;
        Gcs.watch_new (int_value (4), out wtx, out wrx);
        unowned Value? four = yield wrx.wait_for_async ((item) => item.get_int () == 4, null);
        assert (four.get_int () == 4);
    } catch (Error e) {
        error ("%s", e.message);
    }
    loop.quit ();
}

void test_callbacks () {
    var loop = new MainLoop ();
    pipeline_async.begin (loop);
    loop.run ();

    Gcs.Sender tx;
    Gcs.Receiver rx;
    Gcs.channel_new (typeof (int), 4, out tx, out rx);
    var got = 0;
    rx.attach (null, (receiver, value) => {
        if (value == null) {
            loop.quit ();
            return Source.REMOVE;
        }
        got += value.get_int ();
        return Source.CONTINUE;
    });
    try {
        tx.try_send (int_value (5));
    } catch (Error e) {
        error ("%s", e.message);
    }
    tx.close ();
    loop.run ();
    assert (got == 5);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/callbacks/every-kind", test_callbacks);
    return Test.run ();
}
