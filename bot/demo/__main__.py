"""`python -m bot.demo`, the same as `python -m bot demo`."""

from bot.demo.server import main

if __name__ == "__main__":
    main()
