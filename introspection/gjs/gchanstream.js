// gchanstream.js: the Gcs namespace (gchanstream) made comfortable in GJS.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS loads overrides only for its own namespaces, so an application
// imports this ES module instead of (or before) 'gi://Gcs', by URI or by a
// relative path; it is installed as <datadir>/gjs-1.0/gchanstream.js:
//
//     import Gcs from 'file:///usr/share/gjs-1.0/gchanstream.js';
//     // or, with the file shipped beside the application's modules:
//     import Gcs from './gchanstream.js';
//
// (`gjs -m`, or any ES module; a bare path such as '/usr/share/...' is not
// an ES module specifier in GJS 1.74.) The default export is the Gcs
// namespace itself, patched in place: once this module has run, every
// import of 'gi://Gcs' in the process sees the same patched prototypes.
// It asks for Gcs 1.0 (gi://Gcs?version=1.0).
//
// What it changes:
// - Sequence items (chunks, zip, collect) reach C as a GValue holding a
//   GValueArray, which GJS 1.74 hands out as a GObject.ValueArray boxed.
//   They become JavaScript arrays, recursively: the results of
//   next_finish, collect_finish and fold_finish; the items and
//   accumulators passed to the callbacks of map, filter, filter_map,
//   inspect, take_while, skip_while, scan, flat_map, flat_map_unordered,
//   switch_map, for_each_async and fold_async; and on receivers try_recv,
//   recv_blocking, recv_finish, recv_many_finish and the attach /
//   attach_full callbacks; a watch receiver's get_value, peek_value,
//   wait_for_async predicate and wait_for_finish, a watch sender's
//   get_value; try_recv and recv_finish of broadcast and oneshot
//   receivers; the callbacks of map_while and exhaust_map.
// - The other way, a JavaScript array where a value goes to C (returned by
//   a map, filter_map, scan or fold callback; an init value; an item of
//   Gcs.Stream.from_values; a sent item) becomes a GObject.ValueArray,
//   recursively, where GJS alone fails with "Could not guess unspecified
//   GValue type". So does a value sent on any sender kind (send,
//   send_if_changed), a watch channel's initial value, map_while's
//   result and start_with's value.
// - Every _async method of the library that has a _finish (streams,
//   every receiver and sender kind, sinks; methods added later too) called
//   without its callback returns a Promise, e.g.
//   `const items = await stream.collect_async();` (the cancellable may be
//   left out). With a callback they work as before.
// - Streams and every receiver kind are async iterables:
//   `for await (const item of stream)`. Leaving the loop early (break,
//   return, throw) releases a stream (Gcs.Stream.release(): a
//   ReceiverStream closes its receiver, so the senders see CLOSED); a
//   receiver is left open. Watch receivers give the current value, then
//   each change; broadcast receivers skip what they missed by lagging.
//
// Errors need nothing: a JavaScript exception thrown in any callback is a
// GError for C (GJS does that), which ends the stream; the terminal
// operation's finish (or Promise) then throws it back as the same kind of
// JavaScript error with the same message (an Error, a TypeError, ...), or
// as the GLib.Error itself if the callback threw a GLib.Error.

import GObject from 'gi://GObject';
import GLib from 'gi://GLib';
import Gcs from 'gi://Gcs?version=1.0';

const PATCHED = Symbol.for('gchanstream.gjs.patched');

/**
 * Turns a GObject.ValueArray (a sequence item) into an array, recursively;
 * anything else is returned as it is.
 *
 * @param {*} value a value from C
 * @returns {*} the value, with sequences as arrays
 */
export function toJS(value) {
    if (!(value instanceof GObject.ValueArray))
        return value;
    const out = new Array(value.n_values);
    for (let i = 0; i < value.n_values; i++)
        out[i] = toJS(value.get_nth(i));
    return out;
}

/**
 * Turns an array into a GObject.ValueArray, recursively, so C gets a
 * sequence; anything else is returned as it is.
 *
 * @param {*} value a value for C
 * @returns {*} the value, with arrays as GObject.ValueArray
 */
export function fromJS(value) {
    if (!Array.isArray(value))
        return value;
    const array = GObject.ValueArray.new(value.length);
    for (const item of value)
        array.append(fromJS(item));
    return array;
}

// Replaces proto[name] with make(original), keeping the function's length,
// which promisify() reads.
function patch(proto, name, make) {
    const original = proto[name];
    if (typeof original !== 'function')
        throw new Error(`gchanstream.js: ${name} is missing; Gcs does not match this module`);
    const replacement = make(original);
    Object.defineProperty(replacement, 'length', {value: original.length});
    Object.defineProperty(replacement, 'name', {value: name});
    proto[name] = replacement;
}

// A callback that gets its first @nItems arguments as JavaScript values and
// returns its result through @result (or as it is).
function wrapCallback(func, nItems, result = null) {
    if (typeof func !== 'function')
        return func;   // GJS reports the wrong type itself
    return function (...args) {
        for (let i = 0; i < nItems && i < args.length; i++)
            args[i] = toJS(args[i]);
        const ret = func.apply(this, args);
        return result ? result(ret) : ret;
    };
}

// A method whose first argument (after @skip others) is a callback.
function patchCallbackMethod(proto, name, nItems, result, skip = 0) {
    patch(proto, name, original => function (...args) {
        if (skip > 0 && args.length > 0)
            args[0] = fromJS(args[0]);   // the init value of scan, fold_async
        args[skip] = wrapCallback(args[skip], nItems, result);
        return original.apply(this, args);
    });
}

function patchResult(proto, name) {
    patch(proto, name, original => function (...args) {
        return toJS(original.apply(this, args));
    });
}

function patchArgument(proto, name, index = 0) {
    patch(proto, name, original => function (...args) {
        if (args.length > index)
            args[index] = fromJS(args[index]);
        return original.apply(this, args);
    });
}

// GcsReceiverFunc: (receiver, value) with value NULL at the end.
function wrapReceiverFunc(func) {
    if (typeof func !== 'function')
        return func;
    return function (receiver, value, ...rest) {
        return func.call(this, receiver, toJS(value), ...rest);
    };
}

// Replaces proto[name] so that a call without the callback returns a
// Promise of the finish call's result. GJS hides user_data, so the
// callback is the last of the function's `length` arguments; fewer
// arguments (the cancellable left out, say) are filled with null.
function promisify(proto, name, finish) {
    const original = proto[name];
    const nArgs = original.length;
    const replacement = function (...args) {
        if (args.length >= nArgs && typeof args[nArgs - 1] === 'function')
            return original.apply(this, args);
        while (args.length < nArgs - 1)
            args.push(null);
        args.length = nArgs - 1;
        return new Promise((resolve, reject) => {
            original.call(this, ...args, (source, res) => {
                try {
                    let result = (source ?? this)[finish](res);
                    // A gboolean finish with out values: [true, v...].
                    if (Array.isArray(result) && result.length > 1 && result[0] === true &&
                        !(result instanceof GObject.ValueArray))
                        result = result.length === 2 ? result[1] : result.slice(1);
                    resolve(toJS(result));
                } catch (e) {
                    reject(e);
                }
            });
        });
    };
    Object.defineProperty(replacement, 'length', {value: nArgs});
    Object.defineProperty(replacement, 'name', {value: name});
    proto[name] = replacement;
}

function isChannelError(e, code) {
    return e instanceof GLib.Error && e.matches(Gcs.ChannelError, code);
}

// An async iterator over next(), a function giving a Promise of
// {done, value}; return() (break, throw, return out of `for await`) calls
// release() unless the iteration ended or a next() is pending.
function makeIterator(next, release = null) {
    let done = false, pending = false;
    return {
        [Symbol.asyncIterator]() {
            return this;
        },
        async next() {
            if (done)
                return {done: true, value: undefined};
            pending = true;
            try {
                const step = await next();
                if (step.done)
                    done = true;
                return step;
            } catch (e) {
                done = true;
                throw e;
            } finally {
                pending = false;
            }
        },
        // eslint-disable-next-line require-await
        async return(value) {
            if (!done && !pending && release)
                release();
            done = true;
            return {done: true, value};
        },
    };
}

// for await (const item of stream): `break` releases the stream (a
// ReceiverStream closes its receiver: the senders see CLOSED).
function streamIterator() {
    const stream = this;
    return makeIterator(async () => {
        const value = await stream.next_async(null);
        return value === null ? {done: true, value: undefined} : {done: false, value};
    }, () => stream.release());
}

// for await (const item of rx): each item until the end; leaving the loop
// early leaves the receiver open.
function receiverIterator() {
    const rx = this;
    return makeIterator(async () => {
        const value = await rx.recv_async(null);
        return value === null ? {done: true, value: undefined} : {done: false, value};
    });
}

// The value, if one is sent.
function oneshotIterator() {
    const rx = this;
    let received = false;
    return makeIterator(async () => {
        if (received)
            return {done: true, value: undefined};
        received = true;
        try {
            const value = await rx.recv_async(null);
            return value === null ? {done: true, value: undefined} : {done: false, value};
        } catch (e) {
            if (isChannelError(e, Gcs.ChannelError.CLOSED))
                return {done: true, value: undefined};
            throw e;
        }
    });
}

// The current value, then each change, until the sender is gone.
function watchIterator() {
    const rx = this;
    let first = true;
    return makeIterator(async () => {
        if (!first) {
            try {
                await rx.changed_async(null);
            } catch (e) {
                if (isChannelError(e, Gcs.ChannelError.CLOSED))
                    return {done: true, value: undefined};
                throw e;
            }
        }
        first = false;
        return {done: false, value: toJS(rx.get_value())};
    });
}

// Each value until the end; values missed by lagging are skipped.
function broadcastIterator() {
    const rx = this;
    return makeIterator(async () => {
        for (;;) {
            try {
                const value = await rx.recv_async(null);
                return value === null ? {done: true, value: undefined} : {done: false, value};
            } catch (e) {
                if (!isChannelError(e, Gcs.ChannelError.LAGGED))
                    throw e;
            }
        }
    });
}

if (!Gcs.Stream.prototype[PATCHED]) {
    const stream = Gcs.Stream.prototype;

    // Combinators: items in, values out.
    for (const name of ['map', 'filter_map'])
        patchCallbackMethod(stream, name, 1, fromJS);
    for (const name of ['filter', 'inspect', 'take_while', 'skip_while',
        'flat_map', 'flat_map_unordered', 'switch_map'])
        patchCallbackMethod(stream, name, 1);
    patchCallbackMethod(stream, 'scan', 2, fromJS, 1);

    // Terminal operations.
    patchCallbackMethod(stream, 'for_each_async', 1);
    patchCallbackMethod(stream, 'fold_async', 2, fromJS, 1);
    for (const name of ['next_finish', 'collect_finish', 'fold_finish'])
        patchResult(stream, name);

    // A watch channel's initial value.
    if (typeof Gcs.watch_new === 'function') {
        const watchNew = Gcs.watch_new;
        Gcs.watch_new = function (initial) {
            return watchNew.call(this, fromJS(initial));
        };
    }

    // Sources: Gcs.Stream.from_values and Gcs.stream_from_values.
    for (const [holder, name] of [[Gcs.Stream, 'from_values'], [Gcs, 'stream_from_values']]) {
        if (typeof holder[name] !== 'function')
            continue;
        const original = holder[name];
        holder[name] = function (values) {
            return original.call(this, Array.from(values, fromJS));
        };
    }

    // Channels carry sequences too (a stream forwarded into one, say).
    const receiver = Gcs.Receiver.prototype;
    for (const name of ['try_recv', 'recv_blocking', 'recv_finish'])
        patchResult(receiver, name);
    patch(receiver, 'attach', original => function (context, func, ...rest) {
        return original.call(this, context, wrapReceiverFunc(func), ...rest);
    });
    patch(receiver, 'attach_full', original => function (context, priority, func, ...rest) {
        return original.call(this, context, priority, wrapReceiverFunc(func), ...rest);
    });
    const sender = Gcs.Sender.prototype;
    for (const name of ['try_send', 'send_async', 'send_blocking'])
        patchArgument(sender, name);
    patchArgument(Gcs.Sink.prototype, 'send_async');

    // The other channel kinds: sequences in and out too.
    const watchReceiver = Gcs.WatchReceiver.prototype;
    const watchSender = Gcs.WatchSender.prototype;
    for (const name of ['get_value', 'peek_value'])
        patchResult(watchReceiver, name);
    patchResult(watchSender, 'get_value');
    for (const proto of [watchSender, Gcs.BroadcastSender.prototype,
        Gcs.OneshotSender.prototype])
        patchArgument(proto, 'send');
    for (const proto of [Gcs.BroadcastReceiver.prototype, Gcs.OneshotReceiver.prototype]) {
        for (const name of ['try_recv', 'recv_finish'])
            patchResult(proto, name);
    }

    // What tokio's channels have (issue 14): sequences out of recv_many
    // and wait_for, values into send_if_changed.
    patchResult(receiver, 'recv_many_finish');
    patchCallbackMethod(watchReceiver, 'wait_for_async', 1);
    patchResult(watchReceiver, 'wait_for_finish');
    patchArgument(watchSender, 'send_if_changed');

    // The operators GUI code needs (issue 15): items in, values out, as
    // for the combinators above. (on_end, defer and retry see no item.)
    patchCallbackMethod(stream, 'map_while', 1, fromJS);
    patchCallbackMethod(stream, 'exhaust_map', 1);
    patchArgument(stream, 'start_with');

    // Promises: every _async method of the library that has a _finish,
    // called without its callback, returns a Promise (found by walking
    // the namespace, so methods added to the library later are covered).
    for (const key of Object.keys(Gcs)) {
        const holder = Gcs[key];
        // Functions of the namespace itself (Gcs.foo_async, Gcs.foo_finish).
        if (key.endsWith('_async') && typeof holder === 'function') {
            const finish = `${key.slice(0, -'_async'.length)}_finish`;
            if (typeof Gcs[finish] === 'function')
                promisify(Gcs, key, finish);
            continue;
        }
        if (typeof holder !== 'function' || !holder.prototype || !holder.$gtype)
            continue;
        const proto = holder.prototype;
        for (const name of Object.getOwnPropertyNames(proto)) {
            if (!name.endsWith('_async'))
                continue;
            const finish = `${name.slice(0, -'_async'.length)}_finish`;
            if (typeof proto[name] === 'function' && typeof proto[finish] === 'function')
                promisify(proto, name, finish);
        }
    }

    // for await: streams (any type implementing Gcs.Stream, the library's
    // private ones too) and every receiver kind.
    Object.defineProperty(GObject.Object.prototype, Symbol.asyncIterator, {
        configurable: true,
        get() {
            return this instanceof Gcs.Stream ? streamIterator : undefined;
        },
    });
    for (const [cls, iterator] of [[Gcs.Receiver, receiverIterator],
        [Gcs.OneshotReceiver, oneshotIterator], [Gcs.WatchReceiver, watchIterator],
        [Gcs.BroadcastReceiver, broadcastIterator]]) {
        Object.defineProperty(cls.prototype, Symbol.asyncIterator,
            {configurable: true, writable: true, value: iterator});
    }

    Object.defineProperty(stream, PATCHED, {value: true});
}

export default Gcs;

