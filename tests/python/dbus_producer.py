#!/usr/bin/python3
# The producer process of the Python D-Bus channel tests (test_dbus.py):
# the Python twin of tests/gcs-dbus-helper.c, through the Gcs bindings.
#
#   dbus_producer.py ADDRESS BUS_NAME|- PATH COUNT MODE
#
# BUS_NAME "-" means a peer-to-peer connection to a GDBusServer. MODE:
# forward (forward_async of 0..COUNT-1, exit 0 once the sink closed),
# stall (one send at a time, "WAITING <accepted> <in flight> <capacity>"
# each time a send has to wait, "MAX <largest in flight>" at the end),
# hang ("SENT <COUNT>" once nothing is in flight, then wait to be killed).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, Gio, GLib  # noqa: E402


def main():
    address, name, path, count, mode = sys.argv[1:6]
    count = int(count)
    p2p = name == '-'
    flags = Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
    if not p2p:
        flags |= Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION
    connection = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
    sink = Gcs.DBusSink.new(connection, None if p2p else name, path)
    loop = GLib.MainLoop()
    outcome = {}

    if mode == 'forward':
        def forwarded(stream, result):
            try:
                stream.forward_finish(result)
            except GLib.Error as e:
                outcome['error'] = e
            loop.quit()

        Gcs.Stream.from_values(list(range(count))).forward_async(sink, None, forwarded)
        loop.run()
    else:
        biggest = 0
        i = 0
        while i < count:
            try:
                sink.try_send(i)
                i += 1
                biggest = max(biggest, sink.get_in_flight())
                continue
            except GLib.Error as e:
                if not e.matches(Gcs.channel_error_quark(), Gcs.ChannelError.FULL):
                    raise
            if mode == 'stall' and sink.get_capacity() > 0:
                print('WAITING %d %d %d' % (i, sink.get_in_flight(), sink.get_capacity()),
                      flush=True)

            def sent(sink, result):
                try:
                    sink.send_finish(result)
                except GLib.Error as e:
                    outcome['error'] = e
                loop.quit()

            sink.send_async(i, None, sent)
            loop.run()
            if 'error' in outcome:
                break
            i += 1
            biggest = max(biggest, sink.get_in_flight())
        if mode == 'stall' and 'error' not in outcome:
            def closed(sink, result):
                try:
                    sink.close_finish(result)
                except GLib.Error as e:
                    outcome['error'] = e
                loop.quit()

            sink.close_async(None, closed)
            loop.run()
            print('MAX %d' % biggest, flush=True)
        elif mode == 'hang':
            context = GLib.MainContext.default()
            while sink.get_in_flight() > 0:
                context.iteration(True)
            print('SENT %d' % count, flush=True)
            loop.run()   # until killed

    if 'error' in outcome:
        print('dbus_producer.py: %s' % outcome['error'].message, file=sys.stderr)
        return 1
    del sink
    connection.flush_sync(None)
    return 0


if __name__ == '__main__':
    sys.exit(main())
