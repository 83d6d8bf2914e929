"""A real SMTP server for the mail tests: aiosmtpd (pinned in .ci/run).

Each message it accepts is parsed with Python's own e-mail parser (the
standard library's, with the strict policy) and written to the output
directory as JSON: the envelope, the headers the tests read, every MIME
part decoded, and the parser's defects. The tests read those files; they do
not trust the sender's idea of what it sent.

    python3 sink.py PORT DIR [--refuse-first N] [--reject ADDRESS]

--refuse-first N answers the first N messages `451` (try again later);
--reject ADDRESS answers `550` (no such user) for that recipient.
Prints `ready` once it listens; stops when its standard input closes.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, refuse_first, reject):
        self.out = out
        self.refusals_left = refuse_first
        self.reject = reject.lower() if reject else None
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and address.lower() == self.reject:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals_left > 0:
            self.refusals_left -= 1
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.strict)
        parts = []
        defects = [str(d) for d in message.defects]
        for part in message.walk():
            defects += [str(d) for d in part.defects]
            if part.is_multipart():
                continue
            parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                          "content": part.get_content()})
        self.count += 1
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "messageId": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "contentType": message.get_content_type(),
            "contentLanguage": str(message.get("Content-Language", "")),
            "listUnsubscribe": str(message.get("List-Unsubscribe", "")),
            "listUnsubscribePost": str(message.get("List-Unsubscribe-Post", "")),
            "autoSubmitted": str(message.get("Auto-Submitted", "")),
            "parts": parts,
            "defects": defects,
        }
        name = os.path.join(self.out, f"{self.count:04d}.json")
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("out")
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--reject")
    args = parser.parse_args()
    controller = Controller(Sink(args.out, args.refuse_first, args.reject), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    controller.stop()


if __name__ == "__main__":
    asyncio.run(main())
