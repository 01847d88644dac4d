#!/usr/bin/python3
"""Sends one message with Python's smtplib, configured like an application would be.

Settings come from the environment (see run-clients.sh): SD_HOST, SD_PORT,
SD_SECURITY (none|starttls|tls), SD_USER/SD_PASSWORD (no AUTH when SD_USER is empty),
SD_FROM, SD_TO, SD_BODY_SIZE, SD_VERIFY (none|system|ca, with SD_CAFILE), SD_TLS_MAX
(1.0: a legacy client that speaks only TLS 1.0), SD_TIMEOUT. On failure it prints the
traceback an unhandled exception prints, which is what ends up in application logs.
"""
import os
import warnings
import smtplib
import ssl
import sys
import traceback
from email.message import EmailMessage

env = os.environ.get


def tls_context():
    warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1
    if env("SD_VERIFY", "none") == "none":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif env("SD_VERIFY") == "ca":
        ctx = ssl.create_default_context(cafile=env("SD_CAFILE"))
    else:
        ctx = ssl.create_default_context()
    if env("SD_TLS_MAX") == "1.0":
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    return ctx


def main():
    host, port = env("SD_HOST", "127.0.0.1"), int(env("SD_PORT", "25"))
    security = env("SD_SECURITY", "starttls")
    timeout = float(env("SD_TIMEOUT", "10"))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = env("SD_FROM"), env("SD_TO"), "smtplib test"
    msg.set_content("x" * int(env("SD_BODY_SIZE", "100")))
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=tls_context())
        if env("SD_USER"):
            smtp.login(env("SD_USER"), env("SD_PASSWORD", ""))
        smtp.send_message(msg)
    print("sent")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc(file=sys.stdout)
        sys.exit(1)
