"""The core every room shares: settings, the database and its one tenant path, crypto, errors."""
