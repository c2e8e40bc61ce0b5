"""Write src/propintel/locales/messages.pot: every text the templates and the code mark for
translation, with where each is used (``make messages``). Translators copy new ids from it into
their ``locales/es/LC_MESSAGES/*.po``; tests/kit/test_translations.py fails until each has one."""

from __future__ import annotations

from propintel.kit.i18n_extract import POT_FILE, write_template


def main() -> None:
    count = write_template(POT_FILE)
    print(f"{POT_FILE}: {count} messages")


if __name__ == "__main__":
    main()
