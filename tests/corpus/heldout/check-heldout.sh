#!/bin/sh
# Checks the format of the held-out corpus: 5 header lines, '---', known family, lang, URL source, non-empty text.
# usage: tests/corpus/heldout/check-heldout.sh [DIR]
dir=${1:-$(dirname "$0")}
exec python3 - "$dir" <<'PY'
import os, sys, re, collections
FAMILIES = set("""exchange-online exchange gmail yahoo-icloud-zoho ses sendgrid mailgun postmark postfix exim kerio
hmailserver iis-smtp gateway dotnet mailkit java phpmailer symfony python nodemailer powershell outlook windows tls dns
network blocklist spf-dkim-dmarc appliance""".split())
root = sys.argv[1]
bad = 0; fam = collections.Counter(); lang = collections.Counter(); n = 0
for d, _, files in os.walk(root):
    for f in sorted(files):
        if not f.endswith(".txt"):
            continue
        p = os.path.join(d, f); n += 1
        lines = open(p, encoding="utf-8").read().split("\n")
        errs = []
        keys = ["expect:", "cause:", "family:", "lang:", "source:"]
        for i, k in enumerate(keys):
            if i >= len(lines) or not lines[i].startswith(k):
                errs.append("line %d must start with %r" % (i + 1, k))
        if len(lines) < 6 or lines[5] != "---":
            errs.append("line 6 must be ---")
        if not errs:
            c = lines[1][6:].strip(); fm = lines[2][7:].strip(); lg = lines[3][5:].strip(); src = lines[4][7:].strip()
            if len(c) < 20: errs.append("cause too short")
            if fm not in FAMILIES: errs.append("unknown family %r" % fm)
            if os.path.basename(d) != fm: errs.append("family %r but folder %r" % (fm, os.path.basename(d)))
            if lg not in ("en", "de", "fr"): errs.append("bad lang %r" % lg)
            if not re.match(r"https?://\S+$", src): errs.append("source not a URL")
            body = "\n".join(lines[6:]).strip()
            if not body: errs.append("empty text")
            if len(lines) - 6 > 45: errs.append("text longer than 45 lines")
            fam[fm] += 1; lang[lg] += 1
        for e in errs:
            print("%s: %s" % (p, e)); bad += 1
print("files: %d, errors: %d" % (n, bad))
for k in sorted(fam): print("  %-16s %d" % (k, fam[k]))
print("  langs: " + ", ".join("%s=%d" % kv for kv in sorted(lang.items())))
sys.exit(1 if bad else 0)
PY
