"""Named errors. The library raises these; only the CLI turns them into messages."""


class StoryscopeError(Exception):
    """Base of every error storyscope raises on purpose."""


class InputError(StoryscopeError):
    """An input item cannot be read or parsed (missing path, bad encoding, broken JSON)."""


class ExtractionError(StoryscopeError):
    """An item was read but holds no usable article (empty, binary, no main text)."""


class StoreError(StoryscopeError):
    """The store cannot be opened or is not a storyscope store."""


class NotFound(StoryscopeError):
    """A story or article id that the store does not hold."""


class MissingDependency(StoryscopeError):
    """An optional dependency or model package is not installed."""


class EmbeddingUnavailableError(MissingDependency):
    """The static embedding model shipped in the package is missing, unreadable or corrupt."""


class SettingError(StoryscopeError, ValueError):
    """A setting has a value it cannot take."""


class StoreLocked(StoreError):
    """Another run held the store's write lock (or SQLite's) for longer than we were told to wait."""


class ItemConflict(StoryscopeError):
    """The store refused one item (a database constraint); the item is rejected, the run goes on."""
