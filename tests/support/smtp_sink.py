"""A real SMTP server for the black-box tests: accepts every message and writes it, decoded,
as one JSON file per message into a directory. Prints `ready <port>` once listening.

Usage: python3 smtp_sink.py OUTDIR
"""
import email
import json
import os
import sys
import warnings
from email import policy

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402  (standard library up to Python 3.11)
import smtpd  # noqa: E402


class Sink(smtpd.SMTPServer):
    def __init__(self, outdir):
        super().__init__(("127.0.0.1", 0), None, decode_data=False)
        self.outdir = outdir
        self.count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        msg = email.message_from_bytes(data, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        record = {
            "from": mailfrom,
            "to": rcpttos,
            "subject": str(msg["subject"]),
            "body": part.get_content() if part is not None else "",
        }
        self.count += 1
        tmp = os.path.join(self.outdir, f".{self.count}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.outdir, f"{self.count:04}.json"))


def main():
    sink = Sink(sys.argv[1])
    print(f"ready {sink.socket.getsockname()[1]}", flush=True)
    asyncore.loop()


if __name__ == "__main__":
    main()
