import re
import pytest
import newsdesk.clean.html as h

def test_embeds_off(monkeypatch):
    monkeypatch.setattr(h, "_plain_embeds", lambda t: None)
    from test_clean_html import test_embedded_post_kept_as_quoted_text as t
    t()

def test_tail_off(monkeypatch):
    monkeypatch.setattr(h, "_TAIL_SECTION_RE", re.compile("^NEVERMATCH$"))
    from test_clean_html import test_in_body_teaser_lines_and_tag_section_removed as t
    t()

def test_popup_off(monkeypatch):
    monkeypatch.setattr(h, "_POPUP_CLASS_RE", re.compile("NEVERMATCH"))
    from test_clean_html import test_hover_card_inside_sentence_dropped as t
    t()

def test_teaser_off(monkeypatch):
    monkeypatch.setattr(h, "_TEASER_LINE_RE", re.compile("^NEVERMATCH"))
    from test_clean_html import test_in_body_teaser_lines_and_tag_section_removed as t
    t()
