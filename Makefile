# Two entry points: `make demo` and `make test`. Both create .venv on first use and reuse it after.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/atm_sample.jrn

.PHONY: demo test install clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	cd notebooks && LOGAD_STATIC=1 ../$(BIN)/jupyter execute --inplace 01_tfidf_vectorizer.ipynb 02_bert_dbscan.ipynb 03_autoencoder.ipynb 04_template_trends.ipynb
	$(BIN)/logad analyze $(SAMPLE) --method all --out projector_exports/analysis
	@echo
	@echo "Notebooks (executed in place): notebooks/01_tfidf_vectorizer.ipynb 02_bert_dbscan.ipynb 03_autoencoder.ipynb 04_template_trends.ipynb"
	@echo "Report:    projector_exports/analysis/report.html"
	@echo "Projector: projector_exports/ (tensors.tsv + metadata.tsv per run, for projector.tensorflow.org)"
	@echo "Open the projector in TensorBoard:"
	@echo "  $(BIN)/tensorboard --logdir projector_exports --host 127.0.0.1"

test: install
	$(BIN)/ruff check logad_utils tests benchmarks
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
