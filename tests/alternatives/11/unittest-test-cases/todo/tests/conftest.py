# These tests are unittest.TestCase classes, which make their own app in setUp.
