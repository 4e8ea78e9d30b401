#!/usr/bin/python3
# Runs a demo's self-test with --screenshot FILE, then checks that FILE is a
# valid, non-empty image: a PNG that GdkPixbuf loads, of a sensible size,
# with enough distinct colours and enough non-background pixels to be a
# painted window rather than a blank or garbage buffer.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check_screenshot.py OUT.png COMMAND [ARG...]
# Exit status: the command's if it failed (77: skipped), 1 if the image is
# bad, 0 if it is good.

import os
import subprocess
import sys

MIN_SIZE = 100          # pixels, each side
MIN_COLOURS = 16
MIN_INK = 0.005         # share of pixels unlike the most common colour


def check_png(path):
    """A list of problems with the PNG at @path (empty: good)."""
    import gi
    gi.require_version('GdkPixbuf', '2.0')
    from gi.repository import GdkPixbuf, GLib

    if not os.path.exists(path):
        return ['%s was not written' % path]
    with open(path, 'rb') as f:
        if f.read(8) != b'\x89PNG\r\n\x1a\n':
            return ['%s is not a PNG' % path]
    try:
        pixbuf = GdkPixbuf.Pixbuf.new_from_file(path)
    except GLib.Error as e:
        return ['%s does not load: %s' % (path, e.message)]
    w, h = pixbuf.get_width(), pixbuf.get_height()
    problems = []
    if w < MIN_SIZE or h < MIN_SIZE:
        problems.append('%s is only %dx%d' % (path, w, h))
    data = pixbuf.get_pixels()
    stride, n = pixbuf.get_rowstride(), pixbuf.get_n_channels()
    counts = {}
    for y in range(h):
        row = data[y * stride:y * stride + w * n]
        for x in range(0, w * n, n):
            px = bytes(row[x:x + n])
            counts[px] = counts.get(px, 0) + 1
    background = max(counts.values()) if counts else 0
    ink = 1 - background / max(1, w * h)
    if len(counts) < MIN_COLOURS:
        problems.append('%s has only %d colours' % (path, len(counts)))
    if ink < MIN_INK:
        problems.append('%s is nearly blank (%.2f%% ink)' % (path, 100 * ink))
    print('check_screenshot: %dx%d, %d channels, %d colours, %.1f%% ink, %d bytes'
          % (w, h, n, len(counts), 100 * ink,
             os.path.getsize(path)))
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__ or 'usage: check_screenshot.py OUT.png COMMAND [ARG...]',
              file=sys.stderr)
        return 2
    out, command = sys.argv[1], sys.argv[2:]
    # A file of this run's own (the same test may run in parallel with
    # itself, meson test --repeat), renamed to OUT.png once it is good.
    shot = '%s.%d.png' % (out, os.getpid())
    try:
        rc = subprocess.call(command + ['--screenshot', shot])
        if rc != 0:
            print('check_screenshot: %s exited with %d' % (' '.join(command), rc),
                  file=sys.stderr)
            return rc
        problems = check_png(shot)
        for p in problems:
            print('check_screenshot: %s' % p, file=sys.stderr)
        if problems:
            return 1
        os.replace(shot, out)
        print('check_screenshot: good, saved as %s' % out)
        return 0
    finally:
        if os.path.exists(shot):
            os.unlink(shot)


if __name__ == '__main__':
    sys.exit(main())
