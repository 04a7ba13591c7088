"""ingest/feeds.py: RSS and Atom from files and from the local server."""

from __future__ import annotations

import gzip

from storyscope.ingest.feeds import iter_feed
from storyscope.ingest.records import Rejected
from storyscope.ingest.http import Fetcher, url_id
from storyscope.model import RawDoc

pytest_plugins = ["ingest_server"]  # the local server fixtures: server, base, fetcher


def rss(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Coastal Gazette</title>
    <link>{base}/</link>
    <item>
      <title>Storm hits the coast</title>
      <link>{base}/article-rss1</link>
      <pubDate>Tue, 25 Sep 2018 14:30:00 +0000</pubDate>
      <author>desk@gazette.example (Ana Ruiz)</author>
      <content:encoded><![CDATA[<p>The storm reached the coast.</p>]]></content:encoded>
    </item>
    <item>
      <title>Gone page</title>
      <link>{base}/missing</link>
      <pubDate>Tue, 25 Sep 2018 15:00:00 +0000</pubDate>
    </item>
    <item>
      <title>Clean-up begins</title>
      <link>{base}/hop/1</link>
      <dc:creator>Li Wei</dc:creator>
      <dc:date>2018-09-26T08:00:00Z</dc:date>
    </item>
    <item>
      <title>Permalink guid only</title>
      <guid>{base}/article-guid</guid>
    </item>
    <item>
      <title>Opaque guid, no link</title>
      <guid isPermaLink="false">{base}/article-not-a-link</guid>
    </item>
    <item>
      <title>Bad date, still kept</title>
      <link>{base}/article-rss4</link>
      <pubDate>sometime last week</pubDate>
    </item>
  </channel>
</rss>"""


def atom(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Harbour &lt;b&gt;News&lt;/b&gt;</title>
  <author><name>Newsroom</name></author>
  <entry>
    <title>Port reopens</title>
    <link rel="self" href="{base}/self-link"/>
    <link rel="alternate" type="text/html" href="{base}/article-atom1"/>
    <id>tag:harbour.example,2018:1</id>
    <published>2018-09-27T09:15:00+02:00</published>
    <updated>2018-09-28T00:00:00Z</updated>
    <author><name>Sam Okoro</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"
      >Lead <p>The port <b>reopened</b>.</p> end</div></content>
  </entry>
  <entry>
    <title>Ferries resume</title>
    <link href="{base}/article-atom2"/>
    <id>tag:harbour.example,2018:2</id>
    <updated>2018-09-28T10:00:00Z</updated>
    <content type="text">Ferries resumed on Friday.</content>
  </entry>
  <entry>
    <title>No link here</title>
    <id>tag:harbour.example,2018:3</id>
    <summary>Only a summary.</summary>
  </entry>
</feed>"""


def test_rss_file_follows_links(tmp_path, base, fetcher):
    path = tmp_path / "gazette.rss"
    path.write_text(rss(base), encoding="utf-8")
    items = list(iter_feed(path, fetcher))
    assert [type(i).__name__ for i in items] == ["RawDoc", "Rejected", "RawDoc", "RawDoc", "Rejected", "RawDoc"]
    first, gone, hop, guid, opaque, bad_date = items
    assert isinstance(first, RawDoc)
    assert "Storm /article-rss1 hits coast" in first.html  # the page, not the feed's excerpt
    assert (first.title, first.outlet, first.published, first.author) == (
        "Storm hits the coast", "Coastal Gazette", "2018-09-25", "Ana Ruiz"
    )
    assert first.url == f"{base}/article-rss1" and first.id == url_id(first.url)
    assert gone == Rejected(f"{base}/missing", "HTTP 404 Not Found")
    assert hop.url == f"{base}/article-final" and hop.source == f"{base}/hop/1"
    assert (hop.author, hop.published) == ("Li Wei", "2018-09-26")
    assert guid.url == f"{base}/article-guid" and guid.title == "Permalink guid only"
    assert opaque == Rejected(f"{tmp_path / 'gazette.rss'}#item-5", "item has no link to follow")
    assert bad_date.published is None and bad_date.title == "Bad date, still kept"


def test_rss_content_without_following(tmp_path, base):
    path = tmp_path / "gazette.xml.gz"
    path.write_bytes(gzip.compress(rss(base).encode()))
    items = list(iter_feed(path, follow_links=False))
    assert isinstance(items[0], RawDoc)
    assert items[0].html == "<p>The storm reached the coast.</p>"
    assert items[0].url == f"{base}/article-rss1" and items[0].id == url_id(f"{base}/article-rss1")
    assert all(isinstance(i, Rejected) and "no full content" in i.reason for i in items[1:])


def test_atom_file(tmp_path, base, fetcher):
    path = tmp_path / "harbour.atom"
    path.write_text(atom(base), encoding="utf-8")
    followed = list(iter_feed(path, fetcher))
    assert [type(i).__name__ for i in followed] == ["RawDoc", "RawDoc", "Rejected"]
    one, two, nolink = followed
    assert one.url == f"{base}/article-atom1" and "Storm /article-atom1" in one.html
    assert (one.title, one.outlet, one.author, one.published) == (
        "Port reopens", "Harbour News", "Sam Okoro", "2018-09-27"
    )
    assert (two.author, two.published) == ("Newsroom", "2018-09-28")  # feed-level author, updated date
    assert nolink.reason == "item has no link to follow"
    inline = list(iter_feed(path, follow_links=False))
    assert inline[0].html == "Lead <p>The port <b>reopened</b>.</p> end"
    assert inline[1].text == "Ferries resumed on Friday." and inline[1].html is None
    assert isinstance(inline[2], Rejected)


def test_feed_over_http_with_relative_links(server, base, fetcher):
    server.feeds["/feed.rss"] = rss("").replace("<link>/article", "<link>article").encode()
    items = list(iter_feed(f"{base}/feed.rss", fetcher))
    assert isinstance(items[0], RawDoc) and items[0].url == f"{base}/article-rss1"
    assert items[0].outlet == "Coastal Gazette"
    assert len(items) == 6


def test_rss1_rdf(tmp_path, base):
    path = tmp_path / "rdf.xml"
    path.write_text(
        f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="{base}/"><title>RDF Times</title></channel>
  <item rdf:about="{base}/article-rdf">
    <title>Old style</title><link>{base}/article-rdf</link><dc:date>2018-09-29</dc:date>
    <content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded>
  </item>
</rdf:RDF>""",
        encoding="utf-8",
    )
    (doc,) = iter_feed(path, follow_links=False)
    assert (doc.outlet, doc.title, doc.published, doc.html) == ("RDF Times", "Old style", "2018-09-29", "<p>Body</p>")


def test_not_a_feed_is_one_rejected_item(tmp_path):
    page = tmp_path / "page.rss"
    page.write_text("<html><body><p>Not a feed<br></body></html>", encoding="utf-8")
    (item,) = iter_feed(page, follow_links=False)
    assert item.item == str(page) and item.reason.startswith("not a feed: no RSS or Atom channel found")
    assert "not well-formed XML" in item.reason
    xhtml = tmp_path / "x.xml"
    xhtml.write_text("<html><body/></html>", encoding="utf-8")
    (item,) = iter_feed(xhtml, follow_links=False)
    assert item.reason == "not a feed: no RSS or Atom channel found"
    (missing,) = iter_feed(tmp_path / "absent.rss")
    assert missing.reason == "no such file"
    path_text = tmp_path / "path.rss"  # bytes that name a file are still only bytes
    path_text.write_text(str(xhtml), encoding="utf-8")
    (item,) = iter_feed(path_text, follow_links=False)
    assert isinstance(item, Rejected) and item.reason.startswith("not a feed")


def test_entity_declarations_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<rss><channel><title>&b;</title></channel></rss>",
        encoding="utf-8",
    )
    (item,) = iter_feed(bomb, follow_links=False)
    assert item == Rejected(str(bomb), "refused feed: entity declarations are not allowed")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    external = tmp_path / "external.xml"
    external.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T &x;</title><item><title>a</title>'
        "<description>&x;</description><content:encoded>&x;</content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    (item,) = iter_feed(external, follow_links=False)
    assert isinstance(item, Rejected) and "do not read" not in item.reason


def broken_rss(base: str) -> str:
    """A feed with the faults real ones carry: text before the XML declaration, a bare ``&`` in
    a title and in link queries, HTML entities XML does not define, unclosed HTML in a
    description, a channel that never closes."""
    return f"""
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Tom & Jerry&rsquo;s Gazette</title>
    <item>
      <title>Storm hits the coast &mdash; caf&eacute;s&nbsp;closed</title>
      <link>{base}/article-rss1?ref=rss&section=news</link>
      <pubDate>Tue, 25 Sep 2018 23:30:00 -0500</pubDate>
      <description><p>The storm reached the coast.<br> More soon</description>
      <content:encoded><![CDATA[<p>The storm reached the coast & the port.</p>]]></content:encoded>
    </item>
    <item>
      <title>Q&A: what the clean-up costs</title>
      <link>{base}/article-rss2?a=1&b=2</link>
      <pubDate>Wed, 26 Sep 2018 08:00:00 +0000</pubDate>
    </item>
"""


def test_feed_that_is_not_well_formed_is_read(tmp_path, base, fetcher):
    path = tmp_path / "broken.rss"
    path.write_text(broken_rss(base), encoding="utf-8")
    inline = list(iter_feed(path, follow_links=False))
    assert [type(i).__name__ for i in inline] == ["RawDoc", "Rejected"]
    first = inline[0]
    assert first.outlet == "Tom & Jerry\u2019s Gazette"
    assert first.title == "Storm hits the coast \u2014 caf\u00e9s\u00a0closed"
    assert first.url == f"{base}/article-rss1?ref=rss&section=news"
    assert first.published == "2018-09-25"  # the day as the feed states it, not the UTC day after
    assert first.html == "<p>The storm reached the coast & the port.</p>"
    followed = list(iter_feed(path, fetcher))
    assert all(isinstance(i, RawDoc) for i in followed)
    assert followed[1].title == "Q&A: what the clean-up costs" and followed[1].published == "2018-09-26"
    assert "Storm /article-rss2" in followed[1].html


def test_feed_size_cap_and_refused_feed_url(tmp_path, base):
    big = tmp_path / "big.rss"
    big.write_text("<rss><channel>" + "<item><title>x</title></item>" * 200 + "</channel></rss>", encoding="utf-8")
    (item,) = iter_feed(big, follow_links=False, max_bytes=1_000)
    assert "feed too large" in item.reason
    (refused,) = iter_feed(f"{base}/feed.rss", Fetcher(delay=0))
    assert refused.item == f"{base}/feed.rss" and refused.reason.startswith("refused: host 127.0.0.1")
