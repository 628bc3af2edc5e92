import pytest
from django.core.exceptions import ValidationError

from keqiao.common.validators import (
    credit_code_check_char,
    normalize_patent_number,
    patent_check_char,
    validate_credit_code,
    validate_patent_number,
    validate_software_copyright_number,
)

# Real, published unified social credit codes (public registration data) with valid check characters.
REAL_CREDIT_CODES = ["91350100M000100Y43", "91110000802100433B", "12100000400000624D"]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # case-insensitive input


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_changing_the_check_character_fails(code):
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code[:-1] + wrong)
    assert exc.value.code == "checksum"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100I000100Y43", "charset"),
        ("9135A100M000100Y43", "region"),
    ],
)
def test_malformed_credit_codes(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_credit_code_check_char_matches_known_code():
    assert credit_code_check_char("91350100M000100Y4") == "3"


# Chinese patent application numbers: the check digit is sum(d_i * w_i) mod 11, weights 2..9 cycling.
def test_patent_check_digit_known_values():
    # The textbook example 02144686.5: 0*2+2*3+1*4+4*5+4*6+6*7+8*8+6*9 = 214; 214 % 11 = 5
    assert patent_check_char("02144686") == "5"
    # 2019 1 0123457: 153 + 5 = 158 (the last weight is 5); 158 % 11 = 4
    assert patent_check_char("201910123457") == "4"
    # 2019 1 0123456: 153 % 11 = 10, written X
    assert patent_check_char("201910123456") == "X"


def test_patent_check_digit_x_for_ten():
    digits = next(f"2020100{i:05d}" for i in range(100000) if patent_check_char(f"2020100{i:05d}") == "X")
    validate_patent_number(f"ZL{digits}.X")


@pytest.mark.parametrize(
    "number", ["ZL201910123457.4", "201910123457.4", "CN2019101234574", "zl 201910123457.4"]
)
def test_valid_patent_numbers(number):
    validate_patent_number(number)
    assert normalize_patent_number(number) == "ZL201910123457.4"


@pytest.mark.parametrize(
    ("number", "code"),
    [("ZL201910123457.5", "checksum"), ("ZL20191012345.5", "format"), ("patent-1", "format"), ("", "format")],
)
def test_invalid_patent_numbers(number, code):
    with pytest.raises(ValidationError) as exc:
        validate_patent_number(number)
    assert exc.value.code == code


def test_patent_type_digit_must_match_kind():
    validate_patent_number("ZL201910123457.4", "invention")
    digits = "201920123456"
    with pytest.raises(ValidationError) as exc:
        validate_patent_number(f"ZL{digits}.{patent_check_char(digits)}", "invention")
    assert exc.value.code == "type"
    validate_patent_number(f"ZL{digits}.{patent_check_char(digits)}", "utility_model")


def test_software_copyright_numbers():
    validate_software_copyright_number("2021SR0123456")
    with pytest.raises(ValidationError):
        validate_software_copyright_number("SR12345")
