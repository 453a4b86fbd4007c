"""Resident identity numbers (GB 11643): structure, birth date and check digit."""

from __future__ import annotations

from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def validation_error(number: str, today: date | None = None) -> str | None:
    """The reason an 18-character ID number is invalid, or None when it is valid."""
    n = number.strip().upper()
    if len(n) != 18:
        return "身份证号码应为18位"
    if not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        return "身份证号码前17位须为数字，末位为数字或X"
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不存在"
    if born > (today or date.today()) or born.year < 1900:
        return "身份证号码中的出生日期不合理"
    if check_char(n[:17]) != n[17]:
        return "身份证号码校验位错误"
    return None


def make_id(region6: str, born: date, serial3: int) -> str:
    first17 = f"{region6}{born:%Y%m%d}{serial3:03d}"
    return first17 + check_char(first17)
