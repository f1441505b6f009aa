"""A real SMTP server for Siar's mail tests (aiosmtpd).

Usage: smtp_sink.py PORT OUT_FILE

Listens on 127.0.0.1:PORT and appends one JSON object per received message to OUT_FILE:
{"from", "to" (envelope recipients), "subject" (decoded), "message_id", "language", "body"}.
Prints "ready" once listening, then runs until killed.
"""

import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out_path):
        self.out_path = out_path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"] or ""),
            "message_id": str(message["message-id"] or ""),
            "body": body.get_content() if body is not None else "",
        }
        with open(self.out_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    controller = Controller(Sink(sys.argv[2]), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
