#!/usr/bin/python3
# highlight-samples.py: highlight the Python, JavaScript and Vala samples of
# the gtk-doc HTML as their languages
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# gtk-doc 1.33 highlights every <programlisting> with the module's language
# (C): gtkdoc-fixxref ignores the language attribute (its own FIXME says the
# attribute does not reach the HTML), so a Python sample came out with red
# error boxes on every '#' and quote. This runs after gtk-doc: it reads the
# samples' languages from the DocBook gtk-doc built (xml/*.xml: the doc
# comments' |[<!-- language="Python" --> blocks and the guide chapters'
# <programlisting language="python">), finds each sample's block in the
# HTML by its text, and highlights it again with the language's Pygments
# lexer (the highlighter gtk-doc uses, with the same CSS classes).
#
#   highlight-samples.py DOC_BUILDDIR [--check]
#
# --check changes nothing and fails if a non-C sample is not highlighted as
# its language (for the doc test suite).

import glob
import html
import os
import re
import sys

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

LISTING = re.compile(r'<programlisting\b([^>]*)>(.*?)</programlisting>', re.S)
LANGUAGE = re.compile(r'\blanguage="([^"]+)"')
PRE = re.compile(r'(<pre class="programlisting">)(.*?)(</pre>)', re.S)
MARK = '<span class="gcs-lang-%s"></span>'
FORMATTER = HtmlFormatter(nowrap=True)


def normalize(text):
    """The sample's text as gtkdoc-fixxref compares it: no surrounding
    blank lines, no common indent."""
    text = text.strip(' ').strip('\n').rstrip()
    m = re.match(r'(\s+)', text)
    if m:
        text = re.sub(r'^' + m.group(1), '', text, flags=re.M)
    return text


def docbook_text(body):
    body = re.sub(r'<!\[CDATA\[(.*?)\]\]>', lambda m: html.escape(m.group(1), quote=False), body, flags=re.S)
    return html.unescape(re.sub(r'<[^>]+>', '', body))


def samples(builddir):
    """{normalized text: language} of the non-C samples."""
    found = {}
    for path in glob.glob(os.path.join(builddir, 'xml', '*.xml')):
        with open(path, encoding='utf-8') as f:
            for attrs, body in LISTING.findall(f.read()):
                m = LANGUAGE.search(attrs)
                if m and m.group(1).lower() != 'c':
                    found[normalize(docbook_text(body))] = m.group(1).lower()
    return found


def main():
    builddir = sys.argv[1]
    check = '--check' in sys.argv
    wanted = samples(builddir)
    seen = {}
    for path in glob.glob(os.path.join(builddir, 'html', '*.html')):
        with open(path, encoding='utf-8') as f:
            content = f.read()

        def repl(m):
            inner = m.group(2)
            mark = re.match(r'<span class="gcs-lang-(\w+)"></span>', inner)
            text = normalize(html.unescape(re.sub(r'<[^>]+>', '', inner)))
            lang = wanted.get(text)
            if lang is None:
                return m.group(0)
            seen[text] = bool(mark)
            if mark or check:
                return m.group(0)
            body = highlight(text, get_lexer_by_name(lang), FORMATTER).rstrip('\n')
            return m.group(1) + MARK % lang + body + m.group(3)

        new = PRE.sub(repl, content)
        if new != content:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(new)
    missing = [t for t in wanted if t not in seen]
    if check:
        bad = [t for t, marked in seen.items() if not marked]
        for t in bad + missing:
            print('not highlighted as %s:\n%s\n' % (wanted[t], t[:300]))
        print('%d samples in other languages than C, %d highlighted as theirs'
              % (len(wanted), len(seen) - len(bad)))
        sys.exit(1 if bad or missing else 0)


if __name__ == '__main__':
    main()
