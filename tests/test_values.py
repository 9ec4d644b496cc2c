from datetime import datetime

import pytest

from novo2odoo.source import values as sv


@pytest.mark.parametrize("novo_id, expected", [
    ("WO-2019-10000", "work_order_wo_2019_10000"),
    ("C5001", "work_order_c5001"),
    ("  A 70/00 ", "work_order_a_70_00"),
    ("ÅB--x", "work_order__b_x"),
])
def test_external_id_name(novo_id, expected):
    assert sv.external_id_name("work_order", novo_id) == expected


@pytest.mark.parametrize("raw, decimal_comma, expected", [
    ("$1,234.50", False, 1234.5),
    ("1.234,50", True, 1234.5),
    ("(12.00)", False, -12.0),
    ("", False, None),
    ("  7 ", False, 7.0),
])
def test_parse_number(raw, decimal_comma, expected):
    assert sv.parse_number(raw, decimal_comma) == expected


def test_parse_number_rejects_text():
    with pytest.raises(ValueError):
        sv.parse_number("n/a")


@pytest.mark.parametrize("raw, style, expected", [
    ("7/13/2021 08:58 AM", "mdy", datetime(2021, 7, 13, 8, 58)),
    ("13/07/2021 20:58", "dmy", datetime(2021, 7, 13, 20, 58)),
    ("13.07.2021 08:58", "dmy", datetime(2021, 7, 13, 8, 58)),
    ("2021-07-13 08:58:00", "iso", datetime(2021, 7, 13, 8, 58)),
])
def test_parse_datetime_styles(raw, style, expected):
    assert sv.parse_datetime(raw, style) == expected


def test_parse_datetime_unreadable():
    with pytest.raises(ValueError):
        sv.parse_datetime("next tuesday-ish", "mdy")


def test_to_utc_handles_daylight_saving():
    summer = sv.to_utc(datetime(2021, 7, 13, 8, 58), "America/Denver")
    winter = sv.to_utc(datetime(2021, 1, 13, 8, 58), "America/Denver")
    assert summer == datetime(2021, 7, 13, 14, 58)
    assert winter == datetime(2021, 1, 13, 15, 58)


@pytest.mark.parametrize("raw, email, has_problem", [
    (" AMLLER7@RIVERTON.GOV ", "amller7@riverton.gov", False),
    ("n/a", None, True),
    ("john@@example.com", None, True),
    ("", None, False),
])
def test_clean_email(raw, email, has_problem):
    value, problem = sv.clean_email(raw)
    assert value == email
    assert (problem is not None) == has_problem
