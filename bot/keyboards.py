"""Building blocks of keyboards, and the reply keyboard under the message box.

Each screen's inline keyboard is built next to the handlers of that screen (bot/handlers/),
so a button is declared (bot/callbacks.py), shown and handled in two places only.
"""

from collections.abc import Sequence

from telegram import InlineKeyboardButton, KeyboardButton, ReplyKeyboardMarkup

from bot import texts
from bot.callbacks import CallbackData
from bot.i18n import in_every_language, translate

Rows = list[list[InlineKeyboardButton]]

# The reply keyboard's buttons (in English here: translated when drawn).
_MENU = (texts.BUTTON_REPORT_CRAMP, texts.BUTTON_WATER, texts.BUTTON_SETTINGS, texts.BUTTON_HELP)
# What a plain text message saying exactly this means, in any language: a keyboard stays
# as it was drawn when its user changes language.
MENU_BUTTONS = tuple(label for english in _MENU for label in in_every_language(english))


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    """An inline button carrying `data`."""
    return InlineKeyboardButton(label, callback_data=data.encode())


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> Rows:
    """Buttons laid out `width` to a row."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def main_menu() -> ReplyKeyboardMarkup:
    """The persistent keyboard under the message box."""
    report, water, settings, help_ = (KeyboardButton(label) for label in translate(_MENU))
    return ReplyKeyboardMarkup(
        [[report, water], [settings, help_]],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=texts.MENU_PLACEHOLDER,
    )
