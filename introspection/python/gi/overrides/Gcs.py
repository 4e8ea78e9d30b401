# PyGObject override for Gcs (gchanstream).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What it adds to the plain GI bindings (see doc/guide-bindings.xml):
#
# - Values for C. Wherever a value goes to C (sends, from_values, init
#   values, what a callback returns) a tuple is a sequence item like a list,
#   recursively; an int outside int32 is boxed as gint64 / guint64 (PyGObject
#   3.42 raises OverflowError); a str with a NUL character fails with
#   GCS_CHANNEL_ERROR_TYPE (PyGObject would cut it at the NUL).
#
# - Callbacks as Python writes them. PyGObject 3.42 shows a callback's
#   closure data as an argument of its own; the override takes calls as
#   the manual writes them, without it (rx.wait_for_async(predicate, None,
#   callback), Gcs.Stream.retry(factory, 5, 100)). Extra positional
#   arguments are user data: the GAsyncReadyCallback's when there is one
#   (as in GIO), else the Gcs callback's, passed after its own arguments.
#   A gboolean callback's result counts as bool.
#
# - Exceptions. An exception raised in a callback becomes a GError for C
#   (domain "gcs-python-exception-quark", message "Type: message"), and
#   comes back out of the finish call, or the await, as the same exception
#   object with its traceback (a catch_error or on_end callback gets it
#   too). The originals wait in a small registry keyed
#   by the GError's code; a finish takes its entry out; the registry keeps
#   at most _EXCEPTIONS_KEPT entries, so errors nobody finishes are dropped.
#
# - No leak per call. PyGObject 3.42 leaks the GValue of a callback's
#   (out caller-allocates) argument: map, filter_map, map_while, scan and
#   fold go through gcs_stream_binding_*(), whose callbacks hand their value to
#   Gcs.binding_set_result() instead. Combinators added to the library
#   later with such a callback work too (through the plain entry point).
#
# - asyncio. On an asyncio event loop running on GLib's main context
#   (gbulb on PyGObject 3.42, gi.events on PyGObject >= 3.50), every
#   `_async` method of the library called without a callback returns an
#   awaitable, and streams and receivers support `async for`. On 3.50 and
#   later PyGObject's own awaitable is returned (wrapped only to give back
#   the original exceptions). Without a loop and without a callback, an
#   `_async` call raises TypeError: PyGObject 3.42 would start it and drop
#   its result, losing an item.
#
# - Iteration. `for item in receiver` (Gcs.Receiver) receives with
#   recv_blocking() until the end: for worker threads. Streams are
#   asynchronous: `for`/`list()` over one raises a TypeError saying to use
#   `async for`, collect_async or for_each_async.
#
# Everything generic (async methods, finish calls, value arguments,
# callbacks) is found by introspection, so methods added to the library
# later are covered without touching this file.

import asyncio
import functools
import itertools
import sys

import gi
from gi._gi import CallbackInfo, FunctionInfo
from gi.repository import Gio, GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Gcs = get_introspection_module('Gcs')

__all__ = ['_raising_gerror']

# PyGObject >= 3.50 has its own awaitables (gi.events).
_NATIVE_ASYNC = gi.version_info >= (3, 50, 0)


# --- values for C ------------------------------------------------------

def _type_error(message):
    return GLib.Error.new_literal(Gcs.channel_error_quark(), message,
                                  int(Gcs.ChannelError.TYPE))


def _box(value):
    """@value ready to become a GValue: tuples and lists as lists (sequence
    items), ints outside int32 as typed GObject.Values; a str with NUL
    raises GCS_CHANNEL_ERROR_TYPE."""
    if isinstance(value, (tuple, list)):
        items = [_box(v) for v in value]
        if any(isinstance(v, (GObject.Value, GObject.ValueArray)) for v in items):
            # PyGObject would nest the GObject.Value (a GValue of GValue):
            # build the sequence item itself.
            array = GObject.ValueArray.new(len(items))
            for v in items:
                array.append(v if isinstance(v, GObject.Value) else _as_value(v))
            return array
        return items
    if isinstance(value, str):
        if '\0' in value:
            raise _type_error('A string with a NUL character cannot be an '
                              'item: %r' % (value,))
        return value
    if isinstance(value, int) and not isinstance(value, bool) \
            and not -2**31 <= value < 2**31:
        if -2**63 <= value < 2**63:
            return GObject.Value(GObject.TYPE_INT64, value)
        if 0 <= value < 2**64:
            return GObject.Value(GObject.TYPE_UINT64, value)
        raise _type_error('%d does not fit in a 64-bit integer' % value)
    return value


def _as_value(v):
    if isinstance(v, GObject.ValueArray):
        return GObject.Value(GObject.ValueArray, v)
    value = GObject.Value()
    value.init(GObject.type_from_name('gchararray') if isinstance(v, str) else
               _guess_type(v))
    value.set_value(v)
    return value


def _guess_type(v):
    if isinstance(v, bool):
        return GObject.TYPE_BOOLEAN
    if isinstance(v, int):
        return GObject.TYPE_INT
    if isinstance(v, float):
        return GObject.TYPE_DOUBLE
    if isinstance(v, list):
        return GObject.ValueArray.__gtype__
    if isinstance(v, GObject.Object):
        return type(v).__gtype__
    if isinstance(v, GLib.Variant):
        return GObject.TYPE_VARIANT
    return GObject.TYPE_PYOBJECT


# Fundamental types a GObject.Value can carry out of a callback safely:
# they hold no pointer.
_SCALAR_FUNDAMENTALS = frozenset(
    GObject.type_from_name(name) for name in (
        'gchar', 'guchar', 'gboolean', 'gint', 'guint', 'glong', 'gulong',
        'gint64', 'guint64', 'gfloat', 'gdouble', 'GEnum', 'GFlags'))


def _raw_result(value):
    """What a callback with an out GValue returns to PyGObject: never a
    tuple (PyGObject would read it as result + out arguments), never an
    explicit pointer-holding GObject.Value (3.42 copies it shallowly)."""
    if isinstance(value, GObject.Value):
        if value.g_type.fundamental in _SCALAR_FUNDAMENTALS:
            return value
        value = value.get_value()
    return _box(value)


# --- exceptions --------------------------------------------------------

_EXCEPTION_DOMAIN = GLib.quark_from_string('gcs-python-exception-quark')
_EXCEPTIONS_KEPT = 64
_exceptions = {}                  # GError code -> the original exception
_exception_ids = itertools.count(1)


def _callback_error(e):
    """The GLib.Error C sees for the exception @e; @e is kept so that the
    finish call can raise it again."""
    code = next(_exception_ids) & 0x7fffffff or 1
    _exceptions[code] = e
    while len(_exceptions) > _EXCEPTIONS_KEPT:
        del _exceptions[next(iter(_exceptions))]
    return GLib.Error.new_literal(_EXCEPTION_DOMAIN,
                                  '%s: %s' % (type(e).__name__, e), code)


def _original(error):
    """The exception a callback raised that became @error (taken out of
    the registry), or @error itself."""
    if isinstance(error, GLib.Error) and error.domain == GLib.quark_to_string(_EXCEPTION_DOMAIN):
        return _exceptions.pop(error.code, error)
    return error


def _raising_gerror(func):
    """Wraps @func so that any exception other than GLib.Error leaves it as
    a GLib.Error G_IO_ERROR_FAILED carrying the exception's type and
    message ("ValueError: bad item"). (Kept for applications that used it;
    the override's own wrappers give back the original exception.)"""
    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except GLib.Error:
            raise
        except Exception as e:
            raise GLib.Error.new_literal(
                Gio.io_error_quark(), '%s: %s' % (type(e).__name__, e),
                int(Gio.IOErrorEnum.FAILED)) from None
    return wrapper


def _wrap(func, user_data, n_args, convert=None):
    """The callback C calls: @func on the first @n_args arguments C passes
    (PyGObject appends closure data after them) and @user_data, its result
    through @convert; an exception becomes a GLib.Error that remembers it."""
    if not callable(func):
        raise TypeError('%r is not callable' % (func,))

    def wrapper(*args):
        try:
            result = func(*args[:n_args], *user_data)
            return result if convert is None else convert(result)
        except GLib.Error:
            raise
        except Exception as e:
            raise _callback_error(e) from None
    wrapper._gcs_wrapped = True
    return wrapper


def _wrap_setting(func, user_data, n_args):
    """A GcsBindingMapFunc / GcsBindingFoldFunc: @func's value goes to C
    through Gcs.binding_set_result(); None produces nothing."""
    if not callable(func):
        raise TypeError('%r is not callable' % (func,))
    set_result = _set_result

    def wrapper(*args):
        try:
            result = func(*args[:n_args], *user_data)
            if result is not None:
                set_result(_box(result))
        except GLib.Error:
            raise
        except Exception as e:
            raise _callback_error(e) from None
    wrapper._gcs_wrapped = True
    return wrapper


_set_result = Gcs.binding_set_result


def _stream_result(value):
    if not isinstance(value, Gcs.Stream):
        raise TypeError('the callback must return a Gcs.Stream, not %s'
                        % type(value).__name__)
    return value


def _logging_source_func(func):
    """Wraps a GcsReceiverFunc: an exception is printed and removes the
    source (its items stay queued)."""
    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except Exception:
            sys.excepthook(*sys.exc_info())
            return GLib.SOURCE_REMOVE
    return wrapper


# --- introspection helpers --------------------------------------------

def _is_value_type(type_info):
    iface = type_info.get_interface()
    return iface is not None and iface.get_namespace() == 'GObject' \
        and iface.get_name() == 'Value'


def _visible_args(info):
    """The in-arguments of @info as Python sees them, in order: a list of
    ArgInfo (PyGObject hides destroy notifiers and array lengths)."""
    args = info.get_arguments()
    hidden = set()
    for arg in args:
        if arg.get_destroy() >= 0:
            hidden.add(arg.get_destroy())
        t = arg.get_type()
        if t.get_tag_as_string() == 'array' and t.get_array_length() >= 0:
            hidden.add(t.get_array_length())
    return [a for i, a in enumerate(args)
            if i not in hidden and a.get_direction() != GIDirection_OUT]


GIDirection_OUT = 1


def _arg_kind(arg):
    """'value', 'values', 'callback', 'async', 'cancellable' or None."""
    t = arg.get_type()
    tag = t.get_tag_as_string()
    if tag == 'array':
        param = t.get_param_type(0)
        return 'values' if param is not None and _is_value_type(param) else None
    if tag != 'interface':
        return None
    iface = t.get_interface()
    if _is_value_type(t):
        return 'value'
    name = (iface.get_namespace(), iface.get_name())
    if name == ('Gio', 'AsyncReadyCallback'):
        return 'async'
    if name == ('Gio', 'Cancellable'):
        return 'cancellable'
    if isinstance(iface, CallbackInfo) and iface.get_namespace() == 'Gcs':
        return 'callback'
    return None


def _is_error_type(type_info):
    if type_info.get_tag_as_string() == 'error':
        return True
    iface = type_info.get_interface() if type_info.get_tag_as_string() == 'interface' else None
    return iface is not None and iface.get_namespace() == 'GLib' \
        and iface.get_name() == 'Error'


def _callback_shape(arg):
    """What the generic wrapper needs to know of a Gcs callback argument:
    (number of C arguments before the closure data, whether it writes an
    out GValue, whether it returns a stream, whether it returns a
    gboolean, whether it can fail with a GError, the positions of its
    GError arguments)."""
    cb = arg.get_type().get_interface()
    n = 0
    out_value = False
    errors = []
    for a in cb.get_arguments():
        if a.get_closure() >= 0 or a.get_name() in ('user_data', 'data'):
            break
        if a.get_direction() == GIDirection_OUT:
            out_value = out_value or _is_value_type(a.get_type())
            continue
        if _is_error_type(a.get_type()):
            errors.append(n)
        n += 1
    ret = cb.get_return_type()
    tag = ret.get_tag_as_string()
    iface = ret.get_interface() if tag == 'interface' else None
    returns_stream = iface is not None and iface.get_name() == 'Stream'
    return n, out_value, returns_stream, tag == 'gboolean', cb.can_throw_gerror(), errors


def _peek_original(error):
    """The exception a callback raised that became @error, left in the
    registry (the finish call still gives it back), or @error itself."""
    if isinstance(error, GLib.Error) and error.domain == GLib.quark_to_string(_EXCEPTION_DOMAIN):
        return _exceptions.get(error.code, error)
    return error


def _generic_callback(func, arg, user_data=()):
    """The callback PyGObject gets for @func, a Python callable given for
    the Gcs callback argument @arg: @func is called with the arguments C
    passes (an error argument as the original exception of a Python
    callback), then @user_data (PyGObject's own closure data, which 3.42
    appends, is left out); its result is made safe for C (a Gcs.Stream
    checked, a value boxed, a gboolean as bool), and an exception becomes
    a GLib.Error that remembers it. A callback that cannot fail (on_end's,
    say) lets PyGObject print the exception."""
    if not callable(func):
        raise TypeError('%r is not callable' % (func,))
    if getattr(func, '_gcs_wrapped', False):
        return func
    n, out_value, returns_stream, returns_bool, throws, errors = _callback_shape(arg)
    convert = _stream_result if returns_stream else _raw_result if out_value \
        else bool if returns_bool else None

    def call(args):
        args = list(args[:n])
        for i in errors:
            if i < len(args):
                args[i] = _peek_original(args[i])
        result = func(*args, *user_data)
        return result if convert is None else convert(result)

    if throws:
        def wrapper(*args):
            try:
                return call(args)
            except GLib.Error:
                raise
            except Exception as e:
                raise _callback_error(e) from None
    else:
        def wrapper(*args):
            return call(args)
    wrapper._gcs_wrapped = True
    return wrapper


class _Layout:
    """How a Python user calls a function of the library, next to how
    PyGObject 3.42 lays it out. PyGObject shows the closure data of a
    callback as an argument of its own (wait_for_async (predicate,
    predicate_data, cancellable, callback, user_data), retry (factory,
    user_data, max_attempts, initial_backoff_ms)); a user writes a
    callback without it, as the manual does (wait_for_async (predicate,
    cancellable, callback), retry (factory, max_attempts,
    initial_backoff_ms)). Extra positional arguments are the user data:
    of the GAsyncReadyCallback when there is one (as in GIO), of the Gcs
    callback otherwise (map_while (func, *user_data)); the wrapper of the
    Gcs callback holds it."""

    def __init__(self, info):
        args = info.get_arguments()
        visible = _visible_args(info)
        position = {}   # index among args -> index among visible
        for i, a in enumerate(args):
            for j, v in enumerate(visible):
                if v.get_name() == a.get_name():
                    position[i] = j
        self.visible = visible
        self.kinds = [_arg_kind(a) for a in visible]
        self.closure_of = {}   # visible index of a callback -> of its data
        for j, a in enumerate(visible):
            if self.kinds[j] in ('callback', 'async') and a.get_closure() >= 0 \
                    and a.get_closure() in position:
                self.closure_of[j] = position[a.get_closure()]
        closures = set(self.closure_of.values())
        # The user's arguments: indices into visible.
        self.user = [j for j in range(len(visible)) if j not in closures]
        self.user_kinds = [self.kinds[j] for j in self.user]
        self.async_index = self.kinds.index('async') if 'async' in self.kinds else None
        callbacks = [j for j, k in enumerate(self.kinds) if k == 'callback']
        self.data_callback = callbacks[-1] if callbacks else None
        self.names = {a.get_name(): j for j, a in enumerate(visible)}
        self.closure_names = {visible[c].get_name(): j
                              for j, c in self.closure_of.items()
                              if self.kinds[j] == 'callback'}


# --- awaitables --------------------------------------------------------

class _Awaitable:
    """PyGObject's own awaitable (>= 3.50), giving back the original
    exception of a callback; everything else is delegated to it."""

    def __init__(self, inner):
        self._inner = inner

    def __await__(self):
        try:
            return (yield from self._inner.__await__())
        except GLib.Error as e:
            original = _original(e)
            if original is e:
                raise
        raise original

    def __getattr__(self, name):
        return getattr(self._inner, name)


def _no_loop_error(name):
    return TypeError(
        '%s() was called without a callback outside an asyncio event loop '
        'that runs on GLib\'s main context: pass a callback, or await it '
        'in a coroutine on such a loop (gbulb on PyGObject 3.42, '
        'gi.events on PyGObject >= 3.50)' % name)


def _future_call(method, name, finish_name, self, args, kwargs,
                 callback_index, cancellable_index):
    """Starts @method without a callback of the caller's and returns an
    asyncio future of its finish call (PyGObject 3.42)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        raise _no_loop_error(name) from None
    args = list(args)
    while len(args) < callback_index:
        args.append(None)
    cancellable = None
    if cancellable_index is not None:
        if 'cancellable' in kwargs:
            cancellable = kwargs.pop('cancellable')
            args[cancellable_index] = cancellable
        cancellable = args[cancellable_index]
        if cancellable is None:
            cancellable = args[cancellable_index] = Gio.Cancellable()
    future = loop.create_future()

    def done(source, result, *unused):
        if future.cancelled():
            try:
                getattr(source, finish_name)(result)
            except Exception:
                pass
            return
        try:
            future.set_result(getattr(source, finish_name)(result))
        except BaseException as e:
            future.set_exception(e)

    def on_done(f):
        if f.cancelled() and cancellable is not None:
            cancellable.cancel()

    future.add_done_callback(on_done)
    del args[callback_index:]
    kwargs.pop('callback', None)
    method(self, *args, done, **kwargs)
    return future


def _make_async(cls_name, name, method, info):
    kinds = _Layout(info).user_kinds   # without self, as the user calls it
    callback_index = kinds.index('async')
    cancellable_index = kinds.index('cancellable') if 'cancellable' in kinds else None
    finish_name = name[:-len('_async')] + '_finish'
    qualname = 'Gcs.%s.%s' % (cls_name, name)

    def wrapper(self, *args, **kwargs):
        has_callback = (len(args) > callback_index and args[callback_index] is not None) \
            or kwargs.get('callback') is not None
        if has_callback:
            return method(self, *args, **kwargs)
        if _NATIVE_ASYNC:
            result = method(self, *args, **kwargs)
            return _Awaitable(result) if result is not None else result
        return _future_call(method, qualname, finish_name, self, args, kwargs,
                            callback_index, cancellable_index)
    return wrapper


def _make_finish(method):
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except GLib.Error as e:
            original = _original(e)
            if original is e:
                raise
        raise original
    return wrapper


def _make_converting(method, info):
    """Converts value arguments (_box), wraps Gcs callbacks
    (_generic_callback) and takes the arguments as a Python user writes
    them (see _Layout), passing them on as PyGObject wants them."""
    layout = _Layout(info)
    visible = layout.visible
    kinds = layout.kinds
    offset = 1 if info.is_method() else 0

    def convert(j, value, user_data=()):
        kind = kinds[j]
        if kind == 'value':
            return _box(value)
        if kind == 'values':
            return _items(value)
        if kind == 'callback':
            return _generic_callback(value, visible[j], user_data)
        return value

    def wrapper(*args, **kwargs):
        head = list(args[:offset])
        args = args[offset:]
        n_user = len(layout.user)
        extra = args[n_user:]
        given = {}   # visible index -> value
        for j, value in zip(layout.user, args[:n_user]):
            given[j] = value
        bound = {}   # visible index of a Gcs callback -> its user data
        for key in list(kwargs):
            if key in layout.closure_names:
                bound[layout.closure_names[key]] = (kwargs.pop(key),)
            elif key in layout.names and layout.names[key] not in layout.closure_of.values():
                given[layout.names[key]] = kwargs.pop(key)
        if extra:
            if layout.async_index is not None or layout.data_callback is None:
                pass   # the GAsyncReadyCallback's user data, as in GIO
            else:
                bound[layout.data_callback] = tuple(extra)
                extra = ()
        for j in list(given):
            given[j] = convert(j, given[j], bound.get(j, ()))
        # PyGObject's positional arguments, up to the last one given.
        last = max(given) if given else -1
        out = []
        for j in range(last + 1):
            if j in given:
                out.append(given[j])
            elif j in layout.closure_of.values():
                # The wrapper holds the user data. (PyGObject 3.42 wants a
                # tuple here where it treats the data as varargs: an empty
                # one, which it also takes elsewhere.)
                out.append(())
            elif kinds[j] in ('cancellable', 'async'):
                out.append(None)
            else:
                # Left out by the caller: the rest by name, and PyGObject
                # says what is missing.
                for k in given:
                    if k > j:
                        kwargs[visible[k].get_name()] = given[k]
                return method(*head, *out, **kwargs)
        return method(*head, *out, *extra, **kwargs)
    return wrapper


def _items(values):
    """The items of a Python iterable, ready for a GValue array."""
    items = []
    for v in values:
        # PyGObject 3.42 can't put None into a GValue array and crashes
        # (g_value_unset on an uninitialized GValue) instead of raising.
        if v is None:
            raise TypeError('None is not a stream item')
        items.append(_box(v))
    return items


def _named(wrapper, info, qualname):
    """@wrapper with the name and documentation of the GI function @info."""
    wrapper.__name__ = info.__name__
    wrapper.__qualname__ = qualname
    wrapper.__doc__ = info.__doc__
    wrapper.__module__ = 'gi.repository.Gcs'
    return wrapper


def _patch_namespace():
    """Wraps, on the introspected classes themselves (so overrides and
    private types see them): every _async method with a _finish, every
    _finish, every method or function taking a GValue or a Gcs callback."""
    for name in dir(Gcs):
        attr = getattr(Gcs, name)
        if isinstance(attr, FunctionInfo) and name != 'binding_set_result':
            kinds = [_arg_kind(a) for a in _visible_args(attr)]
            if any(k in ('value', 'values', 'callback') for k in kinds):
                globals()[name] = _named(_make_converting(attr, attr), attr, name)
                __all__.append(name)
    for cls_name in dir(Gcs):
        cls = getattr(Gcs, cls_name)
        if not isinstance(cls, type) or cls_name.endswith(('Class', 'Interface')):
            continue
        for name, attr in list(vars(cls).items()):
            if not isinstance(attr, FunctionInfo):
                continue
            wrapped = attr
            if not attr.is_method():
                kinds = [_arg_kind(a) for a in _visible_args(attr)]
                if any(k in ('value', 'values', 'callback') for k in kinds):
                    setattr(cls, name, staticmethod(
                        _named(_make_converting(attr, attr), attr, '%s.%s' % (cls_name, name))))
                continue
            kinds = [_arg_kind(a) for a in _visible_args(attr)]
            if any(k in ('value', 'values', 'callback') for k in kinds):
                wrapped = _make_converting(wrapped, attr)
            if name.endswith('_async') and 'async' in kinds \
                    and name[:-len('_async')] + '_finish' in vars(cls):
                wrapped = _make_async(cls_name, name, wrapped, attr)
            elif name.endswith('_finish'):
                wrapped = _make_finish(wrapped)
            if wrapped is not attr:
                _named(wrapped, attr, '%s.%s' % (cls_name, name))
                setattr(cls, name, wrapped)


# --- channels ----------------------------------------------------------

_END = object()


class _ReceiverIterator:
    """`async for` over a receiver: @receive is a coroutine function giving
    the next item or _END."""

    def __init__(self, receive):
        self._receive = receive

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await self._receive()
        if item is _END:
            raise StopAsyncIteration
        return item


class Receiver(Gcs.Receiver):
    # **kwargs keeps PyGObject's user_data= keyword working.
    def attach(self, context, func, *user_data, **kwargs):
        return super().attach(context, _logging_source_func(func),
                              *user_data, **kwargs)

    def attach_full(self, context, priority, func, *user_data, **kwargs):
        return super().attach_full(context, priority, _logging_source_func(func),
                                   *user_data, **kwargs)

    def __iter__(self):
        """Receives with recv_blocking() until the end: for worker threads
        (on the thread of the receiver's context it would block it)."""
        while True:
            item = self.recv_blocking(None)
            if item is None:
                return
            yield item

    def __aiter__(self):
        """`async for item in rx`: each item until the end (leaving the
        loop early leaves the receiver open)."""
        async def receive():
            item = await self.recv_async()
            return _END if item is None else item
        return _ReceiverIterator(receive)


Receiver = override(Receiver)
__all__.append('Receiver')


def _is_closed(error):
    return isinstance(error, GLib.Error) and \
        error.matches(Gcs.channel_error_quark(), Gcs.ChannelError.CLOSED)


def _not_iterable(self, hint):
    raise TypeError('%s is not iterable synchronously: %s'
                    % (_public_name(self), hint))


# Senders: their value arguments are converted by _patch_namespace().
class Sender(Gcs.Sender):
    pass


class OneshotSender(Gcs.OneshotSender):
    pass


class WatchSender(Gcs.WatchSender):
    pass


class BroadcastSender(Gcs.BroadcastSender):
    pass


Sender = override(Sender)
OneshotSender = override(OneshotSender)
WatchSender = override(WatchSender)
BroadcastSender = override(BroadcastSender)
__all__ += ['Sender', 'OneshotSender', 'WatchSender', 'BroadcastSender']


class OneshotReceiver(Gcs.OneshotReceiver):
    def __iter__(self):
        _not_iterable(self, "use 'async for', or recv_async()")

    def __aiter__(self):
        """`async for value in rx`: the value, if one is sent."""
        done = False

        async def receive():
            nonlocal done
            if done:
                return _END
            done = True
            try:
                item = await self.recv_async()
            except GLib.Error as e:
                if _is_closed(e):
                    return _END
                raise
            return _END if item is None else item
        return _ReceiverIterator(receive)


OneshotReceiver = override(OneshotReceiver)
__all__.append('OneshotReceiver')


class WatchReceiver(Gcs.WatchReceiver):
    def __iter__(self):
        _not_iterable(self, "use 'async for', or changed_async()")

    def __aiter__(self):
        """`async for value in rx`: the current value, then each change
        (slow consumers see only the latest), until the sender is gone."""
        first = True

        async def receive():
            nonlocal first
            if not first:
                try:
                    await self.changed_async()
                except GLib.Error as e:
                    if _is_closed(e):
                        return _END
                    raise
            first = False
            return self.get_value()
        return _ReceiverIterator(receive)


WatchReceiver = override(WatchReceiver)
__all__.append('WatchReceiver')


class BroadcastReceiver(Gcs.BroadcastReceiver):
    def __iter__(self):
        _not_iterable(self, "use 'async for', or recv_async()")

    def __aiter__(self):
        """`async for value in rx`: each value until the end; values missed
        by lagging behind are skipped (counted in the lagged property)."""
        async def receive():
            while True:
                try:
                    item = await self.recv_async()
                except GLib.Error as e:
                    if e.matches(Gcs.channel_error_quark(), Gcs.ChannelError.LAGGED):
                        continue
                    raise
                return _END if item is None else item
        return _ReceiverIterator(receive)


BroadcastReceiver = override(BroadcastReceiver)
__all__.append('BroadcastReceiver')


# --- streams -----------------------------------------------------------

def _public_name(obj):
    """Gcs.Stream for the library's private stream types."""
    for cls in type(obj).__mro__:
        if cls.__module__ in ('gi.repository.Gcs', 'gi.overrides.Gcs') \
                and not cls.__name__.startswith('_'):
            return "'Gcs.%s'" % cls.__name__
    return repr(type(obj).__name__)


class _StreamIterator:
    """`async for` over a stream; leaving the loop early (break, an
    exception) releases the stream, as soon as the iterator is dropped."""

    def __init__(self, stream):
        self._stream = stream
        self._done = False
        self._pending = False

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._done:
            raise StopAsyncIteration
        self._pending = True
        try:
            item = await self._stream.next_async()
        except BaseException:
            self._done = True
            raise
        finally:
            self._pending = False
        if item is None:
            self._done = True
            raise StopAsyncIteration
        return item

    async def aclose(self):
        self._release()

    def _release(self):
        if not self._done and not self._pending:
            self._done = True
            self._stream.release()

    def __del__(self):
        try:
            self._release()
        except Exception:
            pass


class Stream(Gcs.Stream):
    # Sources

    @staticmethod
    def from_values(values):
        """A stream of @values (any iterable of items, not None)."""
        return Gcs.Stream.from_values(values)

    # Iteration

    def __aiter__(self):
        """`async for item in stream`: each item until the end; an error of
        the stream (or the original exception of a callback) is raised in
        the loop. `break` releases the stream (a ReceiverStream closes its
        receiver, so the senders see CLOSED)."""
        return _StreamIterator(self)

    def __iter__(self):
        raise TypeError(
            "%s is asynchronous: iterate it with 'async for' on an asyncio "
            "loop running on GLib's main context (gbulb, gi.events), or use "
            "collect_async() / for_each_async()" % _public_name(self))

    # Combinators with callbacks

    def map(self, func, *user_data):
        return super().binding_map(_wrap_setting(func, user_data, 1))

    def filter(self, func, *user_data):
        return super().filter(_wrap(func, user_data, 1, bool))

    def filter_map(self, func, *user_data):
        # None drops the item.
        return super().binding_filter_map(_wrap_setting(func, user_data, 1))

    def map_while(self, func, *user_data):
        """map_while(func, *user_data): like filter_map, but the first
        None ends the stream."""
        return super().binding_map_while(_wrap_setting(func, user_data, 1))

    def inspect(self, func, *user_data):
        return super().inspect(_wrap(func, user_data, 1, lambda r: None))

    def take_while(self, func, *user_data):
        return super().take_while(_wrap(func, user_data, 1, bool))

    def skip_while(self, func, *user_data):
        return super().skip_while(_wrap(func, user_data, 1, bool))

    def scan(self, init, func, *user_data):
        """scan(init, func, *user_data): func(accumulator, item, *user_data)
        returns the new accumulator; the stream emits each one."""
        return super().binding_scan(init, _wrap_setting(func, user_data, 2))

    def flat_map(self, func, *user_data):
        return super().flat_map(_wrap(func, user_data, 1, _stream_result))

    def flat_map_unordered(self, func, limit, *user_data):
        """flat_map_unordered(func, limit, *user_data): up to @limit inner
        streams at once (the C order is func, user_data, destroy, limit)."""
        return super().flat_map_unordered(
            _wrap(func, user_data, 1, _stream_result), limit)

    def catch_error(self, func, *user_data):
        """func(error, *user_data) gets the error (the original exception
        when a Python callback raised it) and returns the Gcs.Stream to go
        on with; raising fails the stream."""
        def with_original(error, *rest):
            return func(_original(error), *rest)
        return super().catch_error(_wrap(with_original, user_data, 1, _stream_result))

    def switch_map(self, func, *user_data):
        """func(item, cancellable, *user_data) returns the Gcs.Stream of
        @item; @cancellable is triggered when a newer item replaces it."""
        return super().switch_map(_wrap(func, user_data, 2, _stream_result))

    def chain(self, other):
        """The items of @self, then those of @other. Also reached as
        stream.chain(other), although GObject.Object.chain (signal chain-up)
        comes first in every stream's MRO: see _object_chain below."""
        return Gcs.Stream.chain(self, other)

    # Terminal operations

    def for_each_async(self, func, cancellable=None, callback=None,
                       *user_data, **kwargs):
        """for_each_async(func, cancellable=None, callback=None, *user_data):
        func(item) for each item; @user_data goes to @callback, as in GIO.
        Without a callback, an awaitable (on an asyncio loop)."""
        return super().for_each_async(
            _wrap(func, (), 1, lambda r: None),
            cancellable, callback, *user_data, **kwargs)

    def fold_async(self, init, func, cancellable=None, callback=None,
                   *user_data, **kwargs):
        """fold_async(init, func, cancellable=None, callback=None,
        *user_data): func(accumulator, item) returns the new accumulator;
        @user_data goes to @callback, as in GIO. Without a callback, an
        awaitable (on an asyncio loop). Finish with fold_finish()."""
        return super().binding_fold_async(
            init, _wrap_setting(func, (), 2),
            cancellable, callback, *user_data, **kwargs)

    def fold_finish(self, result):
        return self.binding_fold_finish(result)


Stream = override(Stream)
__all__.append('Stream')


# Every stream is a GObject.Object first, and PyGObject's GObject.Object has
# a chain() of its own (g_signal_chain_from_overridden, for class closures),
# which shadows Stream.chain in the MRO of every stream type, so
# stream.chain(other) raised "could not find signal invocation information
# for this object". GObject.Object.chain is replaced by a dispatcher that
# calls Stream.chain only for a stream with one stream argument, and
# PyGObject's function otherwise.
_gobject_chain = GObject.Object.chain


def _object_chain(self, *args, **kwargs):
    if isinstance(self, Gcs.Stream) and len(args) == 1 and not kwargs \
            and isinstance(args[0], Gcs.Stream):
        return Gcs.Stream.chain(self, args[0])
    return _gobject_chain(self, *args, **kwargs)


_object_chain.__doc__ = _gobject_chain.__doc__
GObject.Object.chain = _object_chain


# Last, so that the overrides above are in place first (a stream class
# made before Stream's override would not inherit from it).
_patch_namespace()


def _rename_private_stream_type():
    """Combinators return a private GType (GcsAdapter), whose PyGObject
    class would put that name into Python's own error messages ("object of
    type 'GcsAdapter' has no len()"): it is called Gcs.Stream instead."""
    cls = type(Gcs.Stream.from_values([]))
    if cls.__gtype__.name == 'GcsAdapter':
        cls.__name__ = cls.__qualname__ = 'Stream'
        cls.__module__ = 'gi.repository.Gcs'


_rename_private_stream_type()
