#!/usr/bin/env python3
# python-dir.py PREFIX: where to install the Python override (the directory
# that gets gi/overrides/Gcs.py) so that this Python finds it.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# meson's python module installs into <prefix>/lib/python3/dist-packages
# on Debian for every prefix, which Debian's Python searches only for
# /usr: with the default /usr/local the override was silently not found.
# Instead: the directory of this Python's sys.path that lies directly
# under PREFIX (/usr -> /usr/lib/python3/dist-packages, /usr/local ->
# /usr/local/lib/python3.X/dist-packages on Debian, a venv's prefix -> its
# site-packages); for any other prefix, PREFIX/lib/python3.X/site-packages,
# which the user adds to PYTHONPATH (README.md, "Install and use").

import os
import sys

prefix = os.path.normpath(sys.argv[1])
found = None
for entry in sys.path:
    if not entry.endswith(('site-packages', 'dist-packages')):
        continue
    rel = os.path.relpath(os.path.normpath(entry), prefix)
    # Directly under the prefix: lib/..., lib64/..., not local/lib/...
    if rel.split(os.sep)[0] in ('lib', 'lib64'):
        found = entry
        break
print(found or os.path.join(prefix, 'lib', 'python%d.%d' % sys.version_info[:2],
                            'site-packages'))
