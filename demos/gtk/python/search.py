#!/usr/bin/python3
# Search as you type over a word list: a GTK 4 demo of gchanstream in Python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The pipeline:
#
#   Gcs.Stream.from_property(entry, 'text')   each text of the search entry
#     .debounce(150)                          once typing pauses for 150 ms
#     .distinct_until_changed()               only when the text changed
#     .switch_map(searcher)                   a search per text, on a worker
#                                             thread; a newer text cancels
#                                             the older search
#     .take_until_disposed(window)            ends with the window
#     .for_each_async(show_results)           fills the list, on the GTK thread
#
# Each search runs on its own threading.Thread and answers through a oneshot
# channel (Gcs.oneshot_new + Gcs.OneshotStream.new(rx)). The Gio.Cancellable
# that switch_map passes is checked between slices of the word list, so a
# superseded search stops early. Its results never reach the list: if it
# still answers, either its send fails with CLOSED (switch_map already
# released the receiver) or the answer is dropped unread with the receiver.
#
# Search: case-insensitive prefix match of the query over the words, in file
# order; at most SHOW_LIMIT rows are shown, the label gives the full count; an
# empty query shows no rows.
#
# Run:       /usr/bin/python3 search.py [--words FILE] [--slow MS]
# Test:      /usr/bin/python3 search.py --self-test [--screenshot FILE]
# (exit 0 passed, 1 failed, 3 timed out, 5 uncaught exception, 77 no display)

import argparse
import ctypes
import gc
import os
import re
import sys
import threading
import time
import traceback
import weakref

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gdk', '4.0')
gi.require_version('Gtk', '4.0')
from gi.repository import Gcs, Gdk, Gio, GLib, GObject, Gtk, Pango  # noqa: E402

APP_ID = 'org.gchanstream.demo.SearchPython'
DEBOUNCE_MS = 150
SHOW_LIMIT = 200
SLICE = 4096            # words searched between two looks at the cancellable
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WORDS = os.path.join(HERE, '..', 'data', 'words.txt')

# The scripted run (--self-test).
TEST_TYPE = 'appl'           # typed one character at a time (--type)
TEST_KEY_GAP_MS = 30        # from a search's start to the next keystroke
TEST_SLOW_MS = 300          # each search takes at least this long
TEST_TIMEOUT_S = 45         # the in-loop guard


# --- searching (worker threads) ------------------------------------------

def load_words(path):
    with open(path, encoding='utf-8') as f:
        words = [line.rstrip('\r\n') for line in f]
    words = [w for w in words if w]
    return words, [w.lower() for w in words]


def search(words, folded, query, cancellable, slow_ms=0):
    """(total, first SHOW_LIMIT matches) of @query, or None once
    @cancellable is cancelled. Runs on a worker thread."""
    started = time.monotonic()
    needle = query.lower()
    total = 0
    shown = []
    for start in range(0, len(words), SLICE):
        if cancellable.is_cancelled():
            return None
        for i in range(start, min(start + SLICE, len(words))):
            if folded[i].startswith(needle):
                total += 1
                if len(shown) < SHOW_LIMIT:
                    shown.append(words[i])
    # --slow: pretend the search is expensive, still cancellable.
    while (time.monotonic() - started) * 1000 < slow_ms:
        if cancellable.is_cancelled():
            return None
        time.sleep(0.005)
    return total, shown


class Query:
    """One search: what happened to it, for the window and the self-test."""

    def __init__(self, text, cancellable):
        self.text = text
        self.cancellable = cancellable
        # 'running', then 'sent' (the answer went into the oneshot),
        # 'cancelled' (stopped early), 'discarded' (finished, but the
        # receiver was already released) or 'failed'.
        self.outcome = 'running'
        self.finished = threading.Event()


class Searcher:
    """The switch_map function: starts a search for a text and returns the
    stream of its (single) result, a GLib.Variant (query, total, shown)."""

    def __init__(self, words, folded, slow_ms=0, fail_query=None, fail_search=None):
        self.words = words
        self.folded = folded
        self.slow_ms = slow_ms
        self.fail_query = fail_query      # raise in the switch_map callback
        self.fail_search = fail_search    # raise in the worker
        self.queries = []             # every Query, in the order started
        self.started_hook = None      # called with each Query, GTK thread

    def __call__(self, text, cancellable):
        # Runs on the GTK thread, inside the pipeline.
        if text == self.fail_query:
            # A bug in a callback: the override turns it into a GError that
            # ends the pipeline, and the window reports it.
            raise RuntimeError('search for “%s” refused (--fail-query)' % text)
        query = Query(text, cancellable)
        self.queries.append(query)
        tx, rx = Gcs.oneshot_new(GObject.TYPE_VARIANT)
        if text == '':
            # Nothing to search: no rows, answered at once.
            tx.send(GLib.Variant('(suas)', ('', 0, [])))
            query.outcome = 'sent'
            query.finished.set()
        else:
            threading.Thread(target=self._run, args=(query, tx),
                             name='search %r' % text, daemon=True).start()
        if self.started_hook is not None:
            self.started_hook(query)
        return Gcs.OneshotStream.new(rx)

    def _run(self, query, tx):
        outcome = 'failed'
        try:
            if query.text == self.fail_search:
                raise RuntimeError('search for “%s” broke (--fail-search)' % query.text)
            found = search(self.words, self.folded, query.text,
                           query.cancellable, self.slow_ms)
            if found is None:
                outcome = 'cancelled'
            else:
                total, shown = found
                try:
                    tx.send(GLib.Variant('(suas)', (query.text, total, shown)))
                    outcome = 'sent'
                except GLib.Error as e:
                    if not e.matches(Gcs.channel_error_quark(),
                                     Gcs.ChannelError.CLOSED):
                        raise
                    outcome = 'discarded'
        except Exception as e:
            # The pipeline fails with it, and the window says so.
            traceback.print_exc()
            try:
                tx.send_error(GLib.Error.new_literal(
                    Gio.io_error_quark(), '%s: %s' % (type(e).__name__, e),
                    int(Gio.IOErrorEnum.FAILED)))
            except GLib.Error:
                pass
        finally:
            tx.close()
            query.outcome = outcome
            query.finished.set()


# --- the window ------------------------------------------------------------

def group(n):
    return '{:,}'.format(n)


def matches_label(total, query):
    return '%s %s for “%s”' % (group(total), 'match' if total == 1 else 'matches',
                               query)


CSS = b'''
.word-row { padding: 6px 12px; }
.status { font-feature-settings: "tnum"; }
.hint { font-size: 1.2em; }
'''


class PipelineState:
    """What the pipeline did, kept apart from the window: nothing the
    pipeline holds may reference the window strongly (see start_pipeline)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.shown_query = ''         # the query of the rows shown
        self.deliveries = []          # (result's query, latest search started)
        self.done = False
        self.error = None


def start_pipeline(window, searcher, state):
    """The search pipeline of @window.

    take_until_disposed(window) ends it when the window is disposed. In
    GTK 4, gtk_window_destroy() only drops GTK's own reference: the window
    is disposed once nothing else holds it. The pipeline holds its Python
    callbacks, and a callback that held the window (a bound method, say)
    would keep it alive for as long as the pipeline runs, which is forever:
    the callbacks reach the window through a weak reference."""
    window_ref = weakref.ref(window)

    def on_search_started(query):
        win = window_ref()
        if win is not None:
            win.show_searching(query.text)

    def on_results(result):
        query, total, shown = result.unpack()
        state.deliveries.append((query, searcher.queries[-1].text))
        state.shown_query = query
        win = window_ref()
        if win is not None:
            win.show_results(query, total, shown)

    def on_done(stream, result):
        state.done = True
        try:
            stream.for_each_finish(result)
        except Exception as e:
            # A failed pipeline stops searching: say so, loudly. A Python
            # callback's exception comes back as itself (the Gcs override),
            # a library failure as a GLib.Error.
            state.error = e
            message = e.message if isinstance(e, GLib.Error) \
                else '%s: %s' % (type(e).__name__, e)
            print('search pipeline failed: %s' % message, file=sys.stderr)
            win = window_ref()
            if win is not None:
                win.show_failure(message)

    searcher.started_hook = on_search_started
    results = (Gcs.Stream.from_property(window.entry, 'text')
               .debounce(DEBOUNCE_MS)
               .distinct_until_changed()
               .switch_map(searcher)
               .take_until_disposed(window))
    results.for_each_async(on_results, None, on_done)


class SearchWindow(Gtk.ApplicationWindow):
    def __init__(self, app, n_words, state):
        super().__init__(application=app, title='Word search')
        self.set_default_size(420, 560)
        self.n_words = n_words
        self.state = state

        header = Gtk.HeaderBar()
        titles = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, valign=Gtk.Align.CENTER)
        title = Gtk.Label(label='Word search')
        title.add_css_class('title')
        subtitle = Gtk.Label(label='%s words · gchanstream · Python' % group(self.n_words))
        subtitle.add_css_class('subtitle')
        titles.append(title)
        titles.append(subtitle)
        header.set_title_widget(titles)
        self.set_titlebar(header)

        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8,
                      margin_top=12, margin_bottom=12, margin_start=12, margin_end=12)
        self.entry = Gtk.SearchEntry(
            placeholder_text='Search %s words' % group(self.n_words), hexpand=True)
        self.entry.connect('stop-search', lambda e: e.set_text(''))
        box.append(self.entry)
        self.entry.set_key_capture_widget(self)

        status_row = Gtk.Box(spacing=6)
        self.spinner = Gtk.Spinner(visible=False)
        self.status = Gtk.Label(xalign=0, hexpand=True,
                                ellipsize=Pango.EllipsizeMode.END)
        self.status.add_css_class('status')
        self.status.add_css_class('dim-label')
        self.more = Gtk.Label(xalign=1)
        self.more.add_css_class('dim-label')
        status_row.append(self.spinner)
        status_row.append(self.status)
        status_row.append(self.more)
        box.append(status_row)

        self.model = Gtk.StringList()
        factory = Gtk.SignalListItemFactory()
        # Handlers that don't hold the window (see start_pipeline).
        factory.connect('setup', SearchWindow._on_setup)
        factory.connect('bind', SearchWindow._on_bind, state)
        self.list_view = Gtk.ListView(
            model=Gtk.NoSelection(model=self.model), factory=factory)
        self.scrolled = Gtk.ScrolledWindow(child=self.list_view, vexpand=True,
                                           hscrollbar_policy=Gtk.PolicyType.NEVER)

        self.placeholder = Gtk.Label(wrap=True, justify=Gtk.Justification.CENTER)
        self.placeholder.add_css_class('hint')
        self.placeholder.add_css_class('dim-label')
        self.stack = Gtk.Stack()
        self.stack.add_named(self.scrolled, 'list')
        self.stack.add_named(self.placeholder, 'placeholder')
        frame = Gtk.Frame(child=self.stack)
        box.append(frame)
        self.set_child(box)
        self._show_placeholder('Type the start of a word')
        self.status.set_text('Type to search %s words' % group(self.n_words))

    @staticmethod
    def _on_setup(factory, item):
        label = Gtk.Label(xalign=0)
        label.add_css_class('word-row')
        item.set_child(label)

    @staticmethod
    def _on_bind(factory, item, state):
        # The query's part of the word in bold.
        word = item.get_item().get_string()
        n = len(state.shown_query.lower())
        item.get_child().set_markup('<b>%s</b>%s' % (
            GLib.markup_escape_text(word[:n]), GLib.markup_escape_text(word[n:])))

    def _show_placeholder(self, text):
        self.placeholder.set_text(text)
        self.stack.set_visible_child_name('placeholder')

    def show_searching(self, query):
        if query:
            self.spinner.set_visible(True)
            self.spinner.start()
            self.status.set_text('Searching for “%s”…' % query)

    def show_results(self, query, total, shown):
        self.spinner.stop()
        self.spinner.set_visible(False)
        self.model.splice(0, self.model.get_n_items(), shown)
        if query == '':
            self.status.set_text('Type to search %s words' % group(self.n_words))
            self.more.set_text('')
            self._show_placeholder('Type the start of a word')
            return
        self.status.set_text(matches_label(total, query))
        self.more.set_text('first %d shown' % SHOW_LIMIT if total > len(shown) else '')
        if total == 0:
            self._show_placeholder('No word starts with “%s”' % query)
        else:
            self.stack.set_visible_child_name('list')
            self.scrolled.get_vadjustment().set_value(0)

    def show_failure(self, message):
        self.spinner.stop()
        self.spinner.set_visible(False)
        self.status.remove_css_class('dim-label')
        self.status.add_css_class('error')
        self.status.set_text('Search failed: %s' % message)
        self.more.set_text('')
        # Typing can't search any more. (Focus moves first: a focused
        # GtkText made insensitive warns that it missed its focus-out.)
        self.set_focus(None)
        self.entry.set_sensitive(False)
        self._show_placeholder('The search stopped working.\n%s' % message)


# --- screenshots (PyGObject 3.42 cannot marshal GskRenderNode) ---------------

class _GrapheneRect(ctypes.Structure):
    _fields_ = [('x', ctypes.c_float), ('y', ctypes.c_float),
                ('width', ctypes.c_float), ('height', ctypes.c_float)]


def _c_pointer(obj):
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return get(obj.__gpointer__, None)


def save_widget_png(widget, path):
    """Renders @widget as it is now into a PNG; False if it has no content."""
    gtk = ctypes.CDLL('libgtk-4.so.1')
    gtk.gtk_snapshot_to_node.restype = ctypes.c_void_p
    gtk.gtk_snapshot_to_node.argtypes = [ctypes.c_void_p]
    gtk.gsk_renderer_render_texture.restype = ctypes.c_void_p
    gtk.gsk_renderer_render_texture.argtypes = [
        ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(_GrapheneRect)]
    gtk.gdk_texture_save_to_png.restype = ctypes.c_int
    gtk.gdk_texture_save_to_png.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    gtk.gsk_render_node_unref.argtypes = [ctypes.c_void_p]
    gtk.g_object_unref.argtypes = [ctypes.c_void_p]

    width, height = widget.get_width(), widget.get_height()
    if width <= 0 or height <= 0:
        return False
    snapshot = Gtk.Snapshot.new()
    Gtk.WidgetPaintable.new(widget).snapshot(snapshot, width, height)
    node = gtk.gtk_snapshot_to_node(_c_pointer(snapshot))   # transfer full
    if not node:
        return False
    try:
        renderer = widget.get_native().get_renderer()
        texture = gtk.gsk_renderer_render_texture(
            _c_pointer(renderer), node, ctypes.byref(_GrapheneRect(0, 0, width, height)))
        if not texture:
            return False
        try:
            return bool(gtk.gdk_texture_save_to_png(texture, os.fsencode(path)))
        finally:
            gtk.g_object_unref(texture)
    finally:
        gtk.gsk_render_node_unref(node)


def after_next_paint(widget, func):
    """Calls func() once the next frame of @widget has been painted."""
    clock = widget.get_frame_clock()
    handler = None

    def on_after_paint(clock):
        clock.disconnect(handler)
        func()

    handler = clock.connect('after-paint', on_after_paint)
    widget.queue_draw()


# --- the scripted run --------------------------------------------------------

class SelfTest:
    """Types the text into the entry, one character at a time, each
    after the previous search started, then checks the window."""

    def __init__(self, app, window, searcher, words_path, screenshot, typed=TEST_TYPE):
        self.app = app
        self.win = window
        self.searcher = searcher
        self.words_path = words_path
        self.screenshot = screenshot
        self.state = window.state
        self.typing = [typed[:i] for i in range(1, len(typed) + 1)]
        self.phase = 'starting'
        self.typed = []

    def log(self, message):
        print('self-test: %s' % message, flush=True)

    def fail(self, message):
        self.log('FAIL: %s' % message)
        self.app.finish(1)

    def check(self, cond, message):
        if not cond:
            raise AssertionError(message)

    def wait(self, cond, then, phase):
        """Runs then() once cond() holds, looking every 10 ms."""
        self.phase = phase

        def poll():
            try:
                if not cond():
                    return GLib.SOURCE_CONTINUE
                then()
            except AssertionError as e:
                self.fail(str(e))
            return GLib.SOURCE_REMOVE
        GLib.timeout_add(10, poll)

    def start(self):
        # The pipeline answers the entry's initial empty text first.
        self.wait(lambda: self.state.deliveries, self.type_next,
                  'waiting for the answer to the empty text')

    def type_next(self):
        text = self.typing[len(self.typed)]
        self.typed.append(text)
        self.win.entry.set_text(text)
        self.win.entry.set_position(-1)
        if len(self.typed) < len(self.typing):
            # The next key comes shortly after this text's search started.
            def then():
                GLib.timeout_add(TEST_KEY_GAP_MS, lambda: self.type_next() or GLib.SOURCE_REMOVE)
            self.wait(lambda: self.started() and self.started()[-1] == text, then,
                      'waiting for the search for “%s” to start' % text)
        else:
            self.wait(self.settled, self.verify,
                      'waiting for the results for “%s”' % text)

    def started(self):
        return [q.text for q in self.searcher.queries]

    def settled(self):
        final = self.typing[-1]
        return (any(q == final for q, _ in self.state.deliveries)
                and all(q.finished.is_set() for q in self.searcher.queries)
                or self.state.done)

    def expected(self, query):
        # Independent of search(): a regular expression over the raw file.
        with open(self.words_path, 'rb') as f:
            data = f.read().decode('utf-8')
        return re.findall(r'^%s[^\r\n]*' % re.escape(query), data,
                          re.MULTILINE | re.IGNORECASE)

    def verify(self):
        win = self.win
        final = self.typing[-1]
        self.check(not self.state.done,
                   'the pipeline ended early: %s' % (self.state.error,))

        # Which searches ran.
        started = self.started()
        self.check(started == [''] + self.typing,
                   'searches started: %r, expected %r' % (started, [''] + self.typing))

        # Only current results reached the list: each result set was for the
        # latest search started when it arrived, and the final search's
        # exactly once, last.
        for query, latest in self.state.deliveries:
            self.check(query == latest, 'results for “%s” arrived after the search '
                       'for “%s” had started' % (query, latest))
        self.check([q for q, _ in self.state.deliveries].count(final) == 1
                   and self.state.deliveries[-1][0] == final,
                   'deliveries: %r' % (self.state.deliveries,))

        # Superseded searches were cancelled (unless they had answered in
        # time) and stopped. One may have sent its answer just before it was
        # superseded: switch_map then released its oneshot unread, which the
        # checks of the deliveries above cover.
        delivered = {q for q, _ in self.state.deliveries}
        for q in self.searcher.queries[:-1]:
            self.check(q.cancellable.is_cancelled() or q.text in delivered,
                       'the superseded search for “%s” was not cancelled' % q.text)
            self.check(q.outcome in ('cancelled', 'discarded', 'sent'),
                       'superseded “%s”: %s' % (q.text, q.outcome))
        last = self.searcher.queries[-1]
        self.check(last.outcome == 'sent' and not last.cancellable.is_cancelled(),
                   'the final search: %s' % last.outcome)

        # The widgets.
        expected = self.expected(final)
        items = [win.model.get_string(i) for i in range(win.model.get_n_items())]
        self.check(items == expected[:SHOW_LIMIT],
                   'the list holds %d words %r..., expected %d %r...'
                   % (len(items), items[:3], len(expected[:SHOW_LIMIT]), expected[:3]))
        label = win.status.get_text()
        self.check(label == matches_label(len(expected), final),
                   'label %r, expected %r' % (label, matches_label(len(expected), final)))
        more = 'first %d shown' % SHOW_LIMIT if len(expected) > SHOW_LIMIT else ''
        self.check(win.more.get_text() == more,
                   'note %r, expected %r' % (win.more.get_text(), more))
        page = 'list' if expected else 'placeholder'
        self.check(win.stack.get_visible_child_name() == page, 'the %s is not shown' % page)

        self.log('searches started: %s' % ', '.join('“%s”' % t for t in started))
        self.log('outcomes: %s' % ', '.join('“%s” %s' % (q.text, q.outcome)
                                             for q in self.searcher.queries))
        self.log('result sets shown: %s' % ', '.join('“%s”' % q for q, _ in self.state.deliveries))
        self.log('list: %d words (%s); label: %s%s'
                 % (len(items), ' ... '.join(items[::max(1, len(items) - 1)]), label,
                    ' (%s)' % more if more else ''))

        if self.screenshot:
            self.phase = 'taking the screenshot'
            after_next_paint(win, self.take_screenshot)
        else:
            self.close()

    def take_screenshot(self):
        if not save_widget_png(self.win, self.screenshot):
            self.fail('could not save %s' % self.screenshot)
            return
        self.log('saved %s (%dx%d)' % (self.screenshot, self.win.get_width(),
                                       self.win.get_height()))
        self.close()

    def close(self):
        # The window goes, as when the user closes it; once nothing holds it,
        # it is disposed, and take_until_disposed ends the pipeline, cleanly.
        self.win.close()
        self.win = None
        gc.collect()
        self.wait(lambda: self.state.done, self.done, 'waiting for the pipeline to end')

    def done(self):
        self.check(self.state.error is None,
                   'the pipeline failed: %s' % self.state.error)
        for q in self.searcher.queries:
            self.check(q.finished.wait(5), 'the search for “%s” is still running' % q.text)
        self.log('window closed, pipeline ended without error; passed')
        self.app.finish(0)


class FailureTest(SelfTest):
    """With --fail-query (the switch_map callback raises) or --fail-search
    (the search on the worker thread raises, and sends the error through
    the oneshot): the pipeline fails, and the window says so."""

    def start(self):
        self.wait(lambda: self.state.deliveries, self.type_failing,
                  'waiting for the answer to the empty text')

    def type_failing(self):
        self.win.entry.set_text(self.searcher.fail_query or self.searcher.fail_search)
        self.wait(lambda: self.state.done, self.verify_failure,
                  'waiting for the pipeline to fail')

    def verify_failure(self):
        win = self.win
        self.check(self.state.error is not None, 'the pipeline ended without an error')
        label = win.status.get_text()
        fragment = ('refused (--fail-query)' if self.searcher.fail_query
                    else 'broke (--fail-search)')
        self.check(label.startswith('Search failed: RuntimeError: ')
                   and fragment in label and win.status.has_css_class('error'),
                   'the failure is not shown: %r' % label)
        self.check(not win.entry.get_sensitive(), 'the entry is still usable')
        self.log('the failure is shown: %s' % label)
        if self.screenshot:
            after_next_paint(win, self.take_screenshot)
        else:
            self.close()

    def close(self):
        self.win.close()
        self.app.finish(0)


# --- the application ---------------------------------------------------------

class SearchApp(Gtk.Application):
    def __init__(self, options):
        super().__init__(application_id=APP_ID,
                         flags=Gio.ApplicationFlags.NON_UNIQUE)
        self.options = options
        self.exit_code = 0
        self.test = None

    def finish(self, code):
        if self.test is not None and self.exit_code == 0:
            self.exit_code = code
        self.quit()

    def do_startup(self):
        Gtk.Application.do_startup(self)
        provider = Gtk.CssProvider()
        provider.load_from_data(CSS)
        Gtk.StyleContext.add_provider_for_display(
            Gdk.Display.get_default(), provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION)

    def do_activate(self):
        o = self.options
        if self.get_active_window() is not None:
            self.get_active_window().present()
            return
        words, folded = load_words(o.words)
        slow = o.slow if o.slow is not None else (TEST_SLOW_MS if o.self_test else 0)
        searcher = Searcher(words, folded, slow, o.fail_query, o.fail_search)
        state = PipelineState(searcher)
        win = SearchWindow(self, len(words), state)
        start_pipeline(win, searcher, state)
        win.present()
        if o.self_test:
            test_class = FailureTest if o.fail_query or o.fail_search else SelfTest
            self.test = test_class(self, win, searcher, o.words, o.screenshot, o.type)
            self.hold()   # until the test ends, window or not
            self.test.start()


def main():
    parser = argparse.ArgumentParser(description='Search as you type (gchanstream, GTK 4, Python).')
    parser.add_argument('--words', default=DEFAULT_WORDS, metavar='FILE',
                        help='the word list, one word a line (default: %(default)s)')
    parser.add_argument('--slow', type=int, default=None, metavar='MS',
                        help='make each search take at least MS ms, to watch '
                             'superseded searches stop (self-test: %d)' % TEST_SLOW_MS)
    parser.add_argument('--self-test', action='store_true',
                        help='type into the entry, check the window, exit')
    parser.add_argument('--type', default=TEST_TYPE, metavar='TEXT',
                        help='with --self-test: the text to type (default: %(default)s)')
    parser.add_argument('--screenshot', metavar='FILE',
                        help='with --self-test: save a PNG of the window at the end')
    parser.add_argument('--fail-query', metavar='TEXT', help=argparse.SUPPRESS)
    parser.add_argument('--fail-search', metavar='TEXT', help=argparse.SUPPRESS)
    parser.add_argument('--timeout', type=int, default=TEST_TIMEOUT_S, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.screenshot and not options.self_test:
        parser.error('--screenshot needs --self-test')
    if not options.type:
        parser.error('--type needs a text')

    # Gtk's override already called Gtk.init_check() at import, and it
    # returns True even without a display: ask for the display instead.
    if Gdk.Display.get_default() is None:
        print('search.py: no display%s' % (', skipping' if options.self_test else ''),
              file=sys.stderr)
        return 77 if options.self_test else 1
    if not os.path.exists(options.words):
        print('search.py: no word list at %s' % options.words, file=sys.stderr)
        return 1

    app = SearchApp(options)
    if options.self_test:
        # Python exceptions in GTK callbacks are only printed: fail instead
        # of hanging. The guard is in the loop itself.
        def excepthook(*exc_info):
            traceback.print_exception(*exc_info)
            app.exit_code = 5
            app.quit()
        sys.excepthook = excepthook

        def guard():
            phase = app.test.phase if app.test else 'starting'
            print('self-test: timed out after %d s while %s' % (options.timeout, phase),
                  flush=True)
            app.exit_code = 3
            app.quit()
            return GLib.SOURCE_REMOVE
        GLib.timeout_add_seconds(options.timeout, guard)

    status = app.run([sys.argv[0]])
    return app.exit_code if options.self_test else status


if __name__ == '__main__':
    sys.exit(main())
