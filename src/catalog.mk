# The price catalog's part of the build (included by the Makefile): genai-prices'
# data file in data/pricing/ is checked against data/pricing/SHA256SUMS and
# compiled into C tables (build/gen/catalog_prices.c) by tools/gen_prices.c,
# built with the host compiler. The version is the file name's:
# data/pricing/genai-prices-VERSION.json (exactly one such file).

PRICES_JSON := $(wildcard data/pricing/genai-prices-*.json)
PRICES_VERSION = $(patsubst data/pricing/genai-prices-%.json,%,$(PRICES_JSON))
GEN_SRC += $(BUILD)/gen/catalog_prices.c

$(BUILD)/tools/gen_prices: tools/gen_prices.c src/json_text.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Isrc -o $@ $<

$(BUILD)/gen/prices-checked: data/pricing/SHA256SUMS $(PRICES_JSON)
	@mkdir -p $(dir $@)
	@test "$(words $(PRICES_JSON))" = 1 || { \
		echo "promptcost: data/pricing/ must hold exactly one genai-prices-VERSION.json" >&2; exit 1; }
	@cd data/pricing && sha256sum --quiet --strict -c SHA256SUMS || { \
		echo "promptcost: data/pricing/ does not match data/pricing/SHA256SUMS (see data/README.md): refusing to build the price catalog from it" >&2; \
		exit 1; }
	@touch $@

$(BUILD)/gen/catalog_prices.c: $(BUILD)/tools/gen_prices $(BUILD)/gen/prices-checked
	$(BUILD)/tools/gen_prices $(PRICES_JSON) $(PRICES_VERSION) $@.tmp && mv $@.tmp $@
