"""Write a synthetic Novo export and print what it contains.

Example::

    python bench/make_export.py /tmp/novo-export --work-orders 100000 --seed 7 \\
        --delimiter ";" --decimal-comma --date-style dmy --header-style variant
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from novo2odoo.synthetic import (
    DATE_STYLES,
    DELIMITERS,
    ENCODINGS,
    HEADER_STYLES,
    generate_export,
)

DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


def parse_delimiter(text: str) -> str:
    """Accept a delimiter character or its name (comma, semicolon, tab, pipe)."""
    delimiter = DELIMITER_NAMES.get(text.lower(), text)
    if delimiter not in DELIMITERS:
        names = ", ".join(DELIMITER_NAMES)
        raise argparse.ArgumentTypeError(f"invalid delimiter {text!r}: use one of {names}")
    return delimiter


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Write a synthetic Novo Work Order export.")
    parser.add_argument("out_dir", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--work-orders", type=int, default=300,
                        help="number of work orders, which sets the other object counts (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig",
                        help="file encoding (default utf-8-sig, UTF-8 with BOM)")
    parser.add_argument("--delimiter", type=parse_delimiter, default=",",
                        help="field delimiter: comma, semicolon, tab or pipe (default comma)")
    parser.add_argument("--date-style", choices=DATE_STYLES, default="mdy",
                        help="mdy (7/13/2021 08:58 AM), dmy (13/07/2021 08:58) or iso")
    parser.add_argument("--decimal-comma", action="store_true",
                        help='write money and decimals as "1234,50"')
    parser.add_argument("--header-style", choices=HEADER_STYLES, default="default",
                        help="variant renames headers and files and reorders columns")
    parser.add_argument("--no-dirt", dest="dirt", action="store_false",
                        help="write a clean export without injected dirt")
    parser.add_argument("--no-attachments", dest="attachments", action="store_false",
                        help="write no attachment rows and no attachments/ folder")
    parser.add_argument("--no-custom-fields-file", dest="custom_fields_file",
                        action="store_false", help="leave out custom_fields.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    stats = generate_export(
        args.out_dir,
        args.work_orders,
        seed=args.seed,
        encoding=args.encoding,
        delimiter=args.delimiter,
        date_style=args.date_style,
        decimal_comma=args.decimal_comma,
        header_style=args.header_style,
        dirt=args.dirt,
        attachments=args.attachments,
        custom_fields_file=args.custom_fields_file,
    )
    elapsed = time.perf_counter() - started
    print(stats.summary())
    print(f"written in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
