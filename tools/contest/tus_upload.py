"""Uploads a file to Siar's tus endpoint with the reference Python client (tuspy), as the
contest tests' "real client": whole, a number of chunks only, or resuming an upload URL.

usage: tus_upload.py ENDPOINT FILE --entry=TOKEN --chunk-size BYTES [--chunks N] [--url URL]

Prints one JSON line: {"url": ..., "offset": ...}, or {"status": ..., "body": ...} and exits
1 when the server refuses.
"""

import argparse
import json
import os
import sys

from tusclient import client
from tusclient.exceptions import TusCommunicationError


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("file")
    parser.add_argument("--entry", required=True)
    parser.add_argument("--chunk-size", type=int, required=True)
    parser.add_argument("--chunks", type=int)
    parser.add_argument("--url")
    args = parser.parse_args()

    tus = client.TusClient(args.endpoint)
    try:
        uploader = tus.uploader(
            args.file,
            chunk_size=args.chunk_size,
            metadata={"entry": args.entry, "filename": os.path.basename(args.file)},
            url=args.url,
        )
        if args.chunks is None:
            uploader.upload()
        else:
            for _ in range(args.chunks):
                uploader.upload_chunk()
    except TusCommunicationError as error:
        body = error.response_content
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        print(json.dumps({"status": error.status_code, "body": body}))
        return 1
    print(json.dumps({"url": uploader.url, "offset": uploader.offset}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
