#!/usr/bin/python3
# check-callbacks.py: compile test-callbacks.vala as a user would (valac,
# --pkg gchanstream-1.0, the C compiler's default warnings plus
# -Werror=incompatible-pointer-types, not meson's -w for Vala), then run it.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess
import sys
import tempfile

valac, vapidir, srcdir, builddir, source = sys.argv[1:6]
with tempfile.TemporaryDirectory() as tmp:
    exe = os.path.join(tmp, 'test-callbacks')
    cmd = [valac, '--vapidir', vapidir, '--pkg', 'gchanstream-1.0', '--pkg', 'gio-2.0',
           '-d', tmp, '-o', exe, source,
           '-X', '-Werror=incompatible-pointer-types',
           '-X', '-I' + srcdir, '-X', '-I' + builddir, '-X', '-I' + os.path.join(builddir, 'gchanstream'),
           '-X', '-L' + os.path.join(builddir, 'gchanstream'), '-X', '-lgchanstream-1.0']
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print('\n'.join('# ' + line for line in r.stdout.splitlines()))
    if r.returncode != 0 or 'incompatible-pointer-types' in r.stdout:
        print('Bail out! valac or the C compiler failed')
        sys.exit(1)
    env = dict(os.environ)
    env['LD_LIBRARY_PATH'] = os.path.join(builddir, 'gchanstream')
    sys.exit(subprocess.run([exe, '--tap'], env=env).returncode)
