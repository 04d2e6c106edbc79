def test_sample_article_imports_once(service, project):
    pid, doc = project
    docs = service.documents(pid)
    assert len(docs) == 1
    assert docs[0].title == "sample"
