"""End to end: a real LSP client (pytest-lsp, with the VS Code and Neovim
capability profiles) starts the `charter lsp` binary over stdio and uses it
as an editor would."""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CHARTER_BIN", str(ROOT / "target" / "debug" / "charter"))
POLICY = ROOT / "policies" / "future-processing.charter"
URI = POLICY.as_uri()
TEXT = POLICY.read_text(encoding="utf-8")


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim"],
    config=ClientServerConfig(server_command=[BINARY, "lsp"]),
)
async def client(request, lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=ROOT.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()
    # `shutdown` then `exit`: the server ends with status 0.
    assert lsp_client._server is not None and lsp_client._server.returncode == 0


def position_of(needle: str, offset: int = 0, text: str = TEXT) -> types.Position:
    """The LSP (UTF-16) position of `needle` in `text`, `offset` characters in."""
    index = text.index(needle)
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    column = len(text[line_start:index].encode("utf-16-le")) // 2
    return types.Position(line=line, character=column + offset)


async def test_an_editing_session(client: LanguageClient):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="charter", version=1, text=TEXT
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[URI]) == []

    # Hover on a tier: its rank and requirements, behind Polish doc comments.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=position_of("tier Gold", 5),
        )
    )
    assert hover is not None
    assert "rank 2 of 2" in hover.contents.value

    # Go to definition from a use in the by-tier rate to the tier block.
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=position_of("Silver: 10%", 1),
        )
    )
    target = definition if isinstance(definition, types.Location) else definition[0]
    assert target.uri == URI
    assert target.range.start == position_of("tier Silver", 5)

    # Completion of a benefit's availability offers the tiers.
    end = TEXT.count("\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=end, character=0),
                        end=types.Position(line=end, character=0),
                    ),
                    text="benefit extra (sales) for ",
                )
            ],
        )
    )
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=end, character=len("benefit extra (sales) for ")),
        )
    )
    items = completion.items if isinstance(completion, types.CompletionList) else completion
    assert {"Silver", "Gold"} <= {item.label for item in items}

    # A broken edit: the diagnostic appears...
    broken_line = position_of("require staff sales >= 2").line
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=3),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text=TEXT.replace("require staff sales >= 2", "require staff salez >= 2")
                )
            ],
        )
    )
    diagnostics = await diagnostics_until(
        client, lambda ds: [d.code for d in ds] == ["C0201"]
    )
    assert diagnostics[0].range.start.line == broken_line
    assert diagnostics[0].code_description.href.endswith("/LANGUAGE.md#5-diagnostics")

    # ...and goes away with the undo.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=4),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=TEXT)],
        )
    )
    assert await diagnostics_until(client, lambda ds: len(ds) == 0) == []

    # Formatting a messy version restores the canonical layout.
    messy = TEXT.replace("tier Gold {\n  ", "tier   Gold{\n        ", 1)
    assert messy != TEXT
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=5),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=messy)],
        )
    )
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert edits, "a messy document gets edits"
    assert apply_edits(messy, edits) == TEXT


def offset_of(text: str, position: types.Position) -> int:
    """The string index of an LSP (UTF-16) position."""
    lines = text.split("\n")
    index = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for ch in lines[position.line] if position.line < len(lines) else "":
        if units >= position.character:
            break
        units += len(ch.encode("utf-16-le")) // 2
        index += 1
    return index


def apply_edits(text: str, edits) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset_of(text, edit.range.start), offset_of(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def diagnostics_until(client: LanguageClient, done) -> list[types.Diagnostic]:
    """Waits (at most 10 s) until the published diagnostics satisfy `done`."""
    for _ in range(1000):
        published = client.diagnostics.get(URI)
        if published is not None and done(published):
            return list(published)
        await asyncio.sleep(0.01)
    raise AssertionError(f"diagnostics never settled: {client.diagnostics.get(URI)}")


async def test_blocking_files_and_paths_outside_the_workspace(client: LanguageClient, tmp_path):
    """An import of a FIFO is refused at once (the server keeps answering and
    shuts down cleanly), and `charter.simulate` refuses a scenario outside the
    workspace folders without reading it."""
    os.mkfifo(tmp_path / "pipe.charter")
    policy = tmp_path / "main.charter"
    uri = policy.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="charter",
                version=1,
                text='import "pipe.charter"\nprogram "W" { currency EUR }\ntiers Silver < Gold\n',
            )
        )
    )
    for _ in range(1000):
        if uri in client.diagnostics:
            break
        await asyncio.sleep(0.01)
    messages = [d.message for d in client.diagnostics.get(uri, [])]
    assert any("FIFO" in m for m in messages), messages
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=7),
        )
    )
    assert hover is not None and "rank 1 of 2" in hover.contents.value

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="charter", version=1, text=TEXT
            )
        )
    )
    secret = tmp_path / "secret.json"
    secret.write_text('{ "DB_PASSWORD": "hunter2" }', encoding="utf-8")
    with pytest.raises(Exception) as refused:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="charter.simulate", arguments=[str(secret), URI]
            )
        )
    assert "outside the workspace folders" in str(refused.value)
    assert "hunter2" not in str(refused.value)
