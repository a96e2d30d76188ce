import { useEffect, useState } from "react";
import { createNote, listNotes } from "./api.js";

const MAX_LENGTH = 2000; // same limit as the API

function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export default function App() {
  const [notes, setNotes] = useState([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState("");
  const [draft, setDraft] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState("");
  // Which app host answered last: handy when demoing load balancing.
  const [servedBy, setServedBy] = useState("");

  useEffect(() => {
    const controller = new AbortController();
    listNotes(controller.signal)
      .then(({ data, servedBy }) => {
        setNotes(data);
        setServedBy(servedBy || "");
        setLoadError("");
      })
      .catch((err) => {
        if (err.name !== "AbortError") setLoadError(err.message);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, []);

  async function handleSubmit(event) {
    event.preventDefault();
    if (!draft.trim()) return;
    setSaving(true);
    setSaveError("");
    try {
      const { data, servedBy } = await createNote(draft);
      setNotes((current) => [data, ...current]);
      setServedBy(servedBy || "");
      setDraft("");
    } catch (err) {
      setSaveError(err.message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <main>
      <h1>Notes</h1>

      <form onSubmit={handleSubmit}>
        <label htmlFor="note-body">New note</label>
        <textarea
          id="note-body"
          value={draft}
          maxLength={MAX_LENGTH}
          rows={3}
          placeholder="Write something…"
          onChange={(event) => setDraft(event.target.value)}
        />
        <div className="form-footer">
          <span className="hint">
            {draft.length}/{MAX_LENGTH}
          </span>
          <button type="submit" disabled={saving || !draft.trim()}>
            {saving ? "Saving…" : "Add note"}
          </button>
        </div>
        {saveError && <p className="error" role="alert">Could not save: {saveError}</p>}
      </form>

      <section aria-live="polite">
        {loading && <p className="hint">Loading…</p>}
        {loadError && <p className="error" role="alert">Could not load notes: {loadError}</p>}
        {!loading && !loadError && notes.length === 0 && <p className="hint">No notes yet.</p>}
        <ul className="notes">
          {notes.map((note) => (
            <li key={note.id}>
              <p>{note.body}</p>
              <time dateTime={note.created_at}>{formatTime(note.created_at)}</time>
            </li>
          ))}
        </ul>
      </section>

      {servedBy && <footer className="hint">Served by {servedBy}</footer>}
    </main>
  );
}
