/* Dilation explorer for the dilated-convolution chapter (plain JavaScript, no dependencies).
 *
 * The arithmetic mirrors snippets/dilation.py (effective_kernel_size, receptive_field,
 * coverage_1d / coverage) and snippets/hdc.py (hdc_m_values, rising_groups, hdc_check);
 * tests/site/test_explorer.py drives this page with golden cases computed by those functions.
 * With strides, the coverage map generalises coverage_1d: layer l's taps are d_l * s_1 ... s_(l-1)
 * input pixels apart (the test checks this against real nn.Conv2d stacks).
 */
(function () {
  "use strict";

  var MAX_LAYERS = 12;
  var MAX_KERNEL = 15;
  var MAX_SIDE = 201;
  var PRESETS = [
    [2, 2, 2],
    [1, 2, 5],
    [1, 2, 9],
    [2, 4, 6],
    [1, 2, 5, 1, 2, 5],
  ];
  var INITIAL = { kernel: "3", rates: "2, 2, 2", strides: "" };
  // The colours of snippets/plotting.py (LIGHT / DARK), as in the static coverage figures.
  var PALETTE = {
    light: { grid: "#d0d7de", fill: [63, 81, 181], frame: "#d1495b" },
    dark: { grid: "#3d444d", fill: [140, 158, 255], frame: "#ff7b8a" },
  };

  var TEXT = {
    zh: {
      title: "空洞率探索器",
      kernel: "卷积核大小 K",
      kernelHint: "1 到 " + MAX_KERNEL + " 的整数，每层相同",
      rates: "每层的空洞率 d（第一层在前）",
      ratesHint: "用逗号或空格分隔，最多 " + MAX_LAYERS + " 层",
      strides: "每层的步长 s（可选）",
      stridesHint: "留空表示全部为 1；否则每层一个",
      stridesPlaceholder: "全部为 1",
      presets: "本章的例子：",
      presetLabel: "使用空洞率 ",
      config: "当前显示：",
      mapLabel: function (r, used, span) {
        return "覆盖图：" + r + "×" + r + " 的感受野里有 " + used + " 个像素能到达中心输出，共 " + span + " 个。";
      },
      legend: "涂色：能到达中心输出的像素（颜色越深，路径越多）；空白：洞；红框：感受野；+：中心。",
      rf: "感受野 r",
      used: "用到的像素 / 感受野内的像素",
      holes: "感受野里有洞吗",
      yes: "有",
      no: "没有",
      true_: "是",
      false_: "否",
      layer: "层 l",
      rate: "空洞率 d",
      stride: "步长 s",
      keff: "有效卷积核 k̂",
      rfAfter: "到这一层的感受野",
      tableCaption: "逐层的有效卷积核大小和感受野",
      hdc: "HDC 规则",
      gcd: "整组空洞率的最大公约数",
      mValues: "M 值（M₂ … Mₙ）",
      rule: "整组直接用 M₂ ≤ K",
      groups: "递增组（每组从 1 开始且 M₂ ≤ K）",
      verdict: "结论",
      pass: "满足 HDC",
      fail: "不满足 HDC",
      na: "不适用",
      none: "—",
      reasons: {
        single: function () {
          return "只有一层：HDC 规则比较的是两层以上的空洞率。";
        },
        stride: function () {
          return "HDC 规则是针对步长 1 推导的；有步长时请直接看覆盖图。";
        },
        gcd: function (g) {
          return "所有空洞率都有公因子 " + g + "：只有偏移是 " + g + " 的倍数的像素才能被用到。";
        },
        start: function (i, group) {
          return "第 " + i + " 个递增组 [" + group.join(", ") + "] 从 " + group[0] + " 开始，而不是从 1 开始。";
        },
        m2: function (i, group, m, k) {
          return "第 " + i + " 个递增组 [" + group.join(", ") + "] 的 M₂ = " + m + " > K = " + k + "。";
        },
        ok1: function (m, k) {
          return "空洞率从 1 开始递增，M₂ = " + m + " ≤ K = " + k + "。";
        },
        okN: function (count, k) {
          return count + " 个递增组都从 1 开始，且各自满足 M₂ ≤ K = " + k + "。";
        },
        holesAnyway: "但覆盖图里仍然有洞。",
        noHolesAnyway: "不过覆盖图里没有洞：在这里规则比实际需要的更严格。",
      },
      field: { kernel: "卷积核大小 K", rates: "空洞率", strides: "步长" },
      errors: {
        empty: function (f) {
          return f === "kernel"
            ? "卷积核大小 K 不能为空：请输入 1 到 " + MAX_KERNEL + " 之间的整数。"
            : "空洞率不能为空：请输入至少一个 ≥ 1 的整数，例如 1, 2, 5。";
        },
        notInteger: function (f, token) {
          return TEXT.zh.field[f] + "里的“" + token + "”不是整数：请只输入 ≥ 1 的整数，用逗号或空格分隔。";
        },
        tooSmall: function (f, token) {
          return TEXT.zh.field[f] + "必须 ≥ 1，这里是 " + token + "。";
        },
        kernelRange: function (token) {
          return "卷积核大小 K 最大为 " + MAX_KERNEL + "，这里是 " + token + "。";
        },
        tooManyLayers: function (n) {
          return "最多 " + MAX_LAYERS + " 层，这里有 " + n + " 层。";
        },
        stridesLength: function (n, m) {
          return "步长要么留空（全部为 1），要么每层一个：这里有 " + n + " 层、" + m + " 个步长。";
        },
        tooWide: function (r) {
          return (
            "感受野宽 " + r + " 个像素，超过了能画出的 " + MAX_SIDE + " 个；请减小空洞率、步长或层数。"
          );
        },
        generic: "无法处理这组输入，请检查卷积核大小、空洞率和步长。",
        kept: "下面仍是上一次有效输入的结果。",
      },
    },
    en: {
      title: "Dilation explorer",
      kernel: "Kernel size K",
      kernelHint: "a whole number from 1 to " + MAX_KERNEL + ", the same in every layer",
      rates: "Dilation rate d of each layer (first layer first)",
      ratesHint: "separated by commas or spaces, at most " + MAX_LAYERS + " layers",
      strides: "Stride s of each layer (optional)",
      stridesHint: "leave empty for all 1; otherwise one per layer",
      stridesPlaceholder: "all 1",
      presets: "The chapter's examples:",
      presetLabel: "Use the rates ",
      config: "Showing: ",
      mapLabel: function (r, used, span) {
        return "Coverage map: " + used + " of the " + span + " pixels in the " + r + "×" + r + " receptive field reach the centre output.";
      },
      legend: "Shaded: pixels that reach the centre output (stronger colour = more paths); blank: holes; red frame: receptive field; +: centre.",
      rf: "Receptive field r",
      used: "Pixels used / pixels in the receptive field",
      holes: "Holes in the receptive field",
      yes: "yes",
      no: "no",
      true_: "yes",
      false_: "no",
      layer: "Layer l",
      rate: "Rate d",
      stride: "Stride s",
      keff: "Effective kernel k̂",
      rfAfter: "Receptive field so far",
      tableCaption: "Effective kernel size and receptive field, layer by layer",
      hdc: "HDC rules",
      gcd: "Greatest common divisor of all rates",
      mValues: "M values (M₂ … Mₙ)",
      rule: "M₂ ≤ K on the whole list",
      groups: "Rising groups (each starts at 1 with M₂ ≤ K)",
      verdict: "Verdict",
      pass: "HDC satisfied",
      fail: "HDC not satisfied",
      na: "not applicable",
      none: "—",
      reasons: {
        single: function () {
          return "Only one layer: the HDC rules compare the rates of two or more layers.";
        },
        stride: function () {
          return "The HDC rules were derived for stride 1; with strides, read the coverage map instead.";
        },
        gcd: function (g) {
          return "All rates share the factor " + g + ": only pixels whose offsets are multiples of " + g + " can be reached.";
        },
        start: function (i, group) {
          return "Rising group " + i + " [" + group.join(", ") + "] starts at rate " + group[0] + " instead of 1.";
        },
        m2: function (i, group, m, k) {
          return "Rising group " + i + " [" + group.join(", ") + "] has M₂ = " + m + " > K = " + k + ".";
        },
        ok1: function (m, k) {
          return "The rates rise from 1 and M₂ = " + m + " ≤ K = " + k + ".";
        },
        okN: function (count, k) {
          return "All " + count + " rising groups start at 1 and each has M₂ ≤ K = " + k + ".";
        },
        holesAnyway: "Yet the coverage map has holes.",
        noHolesAnyway: "Still, the coverage map has no holes: here the rule is stricter than needed.",
      },
      field: { kernel: "the kernel size K", rates: "the dilation rates", strides: "the strides" },
      errors: {
        empty: function (f) {
          return f === "kernel"
            ? "The kernel size K is empty: enter a whole number from 1 to " + MAX_KERNEL + "."
            : "The dilation rates are empty: enter at least one whole number ≥ 1, e.g. 1, 2, 5.";
        },
        notInteger: function (f, token) {
          return "“" + token + "” in " + TEXT.en.field[f] + " is not a whole number: enter integers ≥ 1, separated by commas or spaces.";
        },
        tooSmall: function (f, token) {
          var name = TEXT.en.field[f];
          return name.charAt(0).toUpperCase() + name.slice(1) + " must be ≥ 1; got " + token + ".";
        },
        kernelRange: function (token) {
          return "The kernel size K can be at most " + MAX_KERNEL + "; got " + token + ".";
        },
        tooManyLayers: function (n) {
          return "At most " + MAX_LAYERS + " layers; got " + n + ".";
        },
        stridesLength: function (n, m) {
          return "Leave the strides empty (all 1) or give one per layer: " + n + " layers, " + m + " strides.";
        },
        tooWide: function (r) {
          return "The receptive field is " + r + " pixels wide, more than the " + MAX_SIDE + " that can be drawn; use smaller rates, strides or fewer layers.";
        },
        generic: "This input cannot be used; check the kernel size, the rates and the strides.",
        kept: "The results below are still those of the last valid input.",
      },
    },
  };

  /* ---------- arithmetic (mirrors snippets/dilation.py and snippets/hdc.py) ---------- */

  function effectiveKernelSize(k, d) {
    return k + (k - 1) * (d - 1);
  }

  // Receptive field after each layer: r = 1 + sum_l (k_eff_l - 1) * s_1 * ... * s_(l-1).
  function receptiveFields(k, rates, strides) {
    var field = 1;
    var jump = 1;
    var out = [];
    for (var i = 0; i < rates.length; i++) {
      field += (effectiveKernelSize(k, rates[i]) - 1) * jump;
      jump *= strides[i];
      out.push(field);
    }
    return out;
  }

  // Paths from each input offset to one output along one axis (coverage_1d, with strides).
  function coverage1d(k, rates, strides) {
    var counts = [1];
    var jump = 1;
    for (var i = 0; i < rates.length; i++) {
      var step = rates[i] * jump;
      var grown = new Array(counts.length + (k - 1) * step).fill(0);
      for (var offset = 0; offset < counts.length; offset++) {
        if (counts[offset] === 0) continue;
        for (var tap = 0; tap < k; tap++) grown[offset + tap * step] += counts[offset];
      }
      counts = grown;
      jump *= strides[i];
    }
    return counts;
  }

  function gcd(a, b) {
    while (b) {
      var t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  // [M_2, ..., M_n] (Wang et al. 2018, Sec. 3.2), as hdc_m_values.
  function mValues(rates) {
    var m = rates[rates.length - 1];
    var values = [m];
    for (var i = rates.length - 2; i >= 1; i--) {
      var r = rates[i];
      m = Math.max(m - 2 * r, m - 2 * (m - r), r);
      values.push(m);
    }
    return values.reverse();
  }

  function risingGroups(rates) {
    var groups = [[rates[0]]];
    for (var i = 1; i < rates.length; i++) {
      var last = groups[groups.length - 1];
      if (rates[i] >= last[last.length - 1]) last.push(rates[i]);
      else groups.push([rates[i]]);
    }
    return groups;
  }

  function groupOk(group, k) {
    if (group[0] !== 1) return false;
    return group.length === 1 || mValues(group)[0] <= k;
  }

  function analyse(k, rates, strides) {
    var fields = receptiveFields(k, rates, strides);
    var line = coverage1d(k, rates, strides);
    var used1d = 0;
    for (var i = 0; i < line.length; i++) if (line[i] > 0) used1d++;
    var result = {
      k: k,
      rates: rates,
      strides: strides,
      keff: rates.map(function (d) {
        return effectiveKernelSize(k, d);
      }),
      fields: fields,
      rf: fields[fields.length - 1],
      line: line,
      used: used1d * used1d,
      span: line.length * line.length,
      gcd: rates.reduce(gcd),
      m: rates.length >= 2 ? mValues(rates) : null,
      groups: risingGroups(rates).map(function (g) {
        return { rates: g, ok: groupOk(g, k) };
      }),
    };
    result.full = result.used === result.span;
    result.ruleOk = result.m ? result.m[0] <= k : null;
    result.groupsOk = result.groups.every(function (g) {
      return g.ok;
    });
    var strided = strides.some(function (s) {
      return s !== 1;
    });
    // Verdict and the one-line reason (kind + arguments; the text is made per language).
    if (rates.length < 2) {
      result.verdict = "na";
      result.reason = ["single"];
    } else if (strided) {
      result.verdict = "na";
      result.reason = ["stride"];
    } else if (result.groupsOk) {
      result.verdict = "pass";
      result.reason = result.groups.length === 1 ? ["ok1", result.m[0], k] : ["okN", result.groups.length, k];
    } else {
      result.verdict = "fail";
      if (result.gcd > 1) {
        result.reason = ["gcd", result.gcd];
      } else {
        for (var j = 0; j < result.groups.length; j++) {
          var g = result.groups[j].rates;
          if (result.groups[j].ok) continue;
          result.reason = g[0] !== 1 ? ["start", j + 1, g] : ["m2", j + 1, g, mValues(g)[0], k];
          break;
        }
      }
    }
    result.mismatch = "";
    if (result.verdict === "pass" && !result.full) result.mismatch = "holesAnyway";
    if (result.verdict === "fail" && result.full) result.mismatch = "noHolesAnyway";
    return result;
  }

  /* ---------- parsing ---------- */

  function tokens(text) {
    return text
      .replace(/[[\]【】()（）]/g, " ")
      .split(/[\s,，、;；]+/)
      .filter(function (t) {
        return t.length > 0;
      });
  }

  // Returns {values: [...]} or {error: kind, ...}.
  function parseList(field, text) {
    var parts = tokens(text);
    if (parts.length === 0) return { values: [] };
    var values = [];
    for (var i = 0; i < parts.length; i++) {
      var t = parts[i];
      if (!/^[+-]?\d+$/.test(t)) return { error: "notInteger", field: field, token: t };
      var v = parseInt(t, 10);
      if (v < 1) return { error: "tooSmall", field: field, token: t };
      values.push(v);
    }
    return { values: values };
  }

  function parse(kernelText, ratesText, stridesText) {
    var kernel = parseList("kernel", kernelText);
    if (kernel.error) return kernel;
    if (kernel.values.length === 0) return { error: "empty", field: "kernel" };
    if (kernel.values.length > 1) return { error: "notInteger", field: "kernel", token: kernelText.trim() };
    var k = kernel.values[0];
    if (k > MAX_KERNEL) return { error: "kernelRange", field: "kernel", token: kernelText.trim() };
    var rates = parseList("rates", ratesText);
    if (rates.error) return rates;
    if (rates.values.length === 0) return { error: "empty", field: "rates" };
    if (rates.values.length > MAX_LAYERS) return { error: "tooManyLayers", n: rates.values.length };
    var strides = parseList("strides", stridesText);
    if (strides.error) return strides;
    var s = strides.values;
    if (s.length === 0) {
      s = rates.values.map(function () {
        return 1;
      });
    } else if (s.length !== rates.values.length) {
      return { error: "stridesLength", n: rates.values.length, m: s.length };
    }
    // Check the width before allocating anything (rates may be huge).
    var r = receptiveFields(k, rates.values, s);
    var rf = r[r.length - 1];
    if (!(rf <= MAX_SIDE)) {
      return { error: "tooWide", r: Number.isSafeInteger(rf) ? String(rf) : "> " + Number.MAX_SAFE_INTEGER };
    }
    return { k: k, rates: rates.values, strides: s };
  }

  function errorMessage(t, e) {
    var E = t.errors;
    switch (e.error) {
      case "empty":
        return E.empty(e.field);
      case "notInteger":
        return E.notInteger(e.field, e.token);
      case "tooSmall":
        return E.tooSmall(e.field, e.token);
      case "kernelRange":
        return E.kernelRange(e.token);
      case "tooManyLayers":
        return E.tooManyLayers(e.n);
      case "stridesLength":
        return E.stridesLength(e.n, e.m);
      case "tooWide":
        return E.tooWide(e.r);
      default:
        return E.generic;
    }
  }

  /* ---------- DOM ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (name === "text") node.textContent = attrs[name];
        else node.setAttribute(name, attrs[name]);
      });
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function list(values) {
    return "[" + values.join(", ") + "]";
  }

  function scheme() {
    return document.body && document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  function Explorer(root, t) {
    this.root = root;
    this.t = t;
    this.last = null;
    this.build();
  }

  Explorer.prototype.field = function (id, label, hint, value, placeholder) {
    var input = el("input", {
      id: id,
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": id + "-hint",
    });
    input.value = value;
    if (placeholder) input.setAttribute("placeholder", placeholder);
    var box = el("div", { class: "dx-field" }, [
      el("label", { for: id, text: label }),
      input,
      el("span", { id: id + "-hint", class: "dx-hint", text: hint }),
    ]);
    return { box: box, input: input };
  };

  Explorer.prototype.build = function () {
    var t = this.t;
    var self = this;
    var kernel = this.field("dx-kernel", t.kernel, t.kernelHint, INITIAL.kernel);
    var rates = this.field("dx-rates", t.rates, t.ratesHint, INITIAL.rates);
    var strides = this.field("dx-strides", t.strides, t.stridesHint, INITIAL.strides, t.stridesPlaceholder);
    this.inputs = { kernel: kernel.input, rates: rates.input, strides: strides.input };

    var presetLabel = el("span", { id: "dx-presets-label", class: "dx-presets-label", text: t.presets });
    var presets = el("div", { class: "dx-presets", role: "group", "aria-labelledby": "dx-presets-label" }, [presetLabel]);
    PRESETS.forEach(function (p) {
      var button = el("button", {
        type: "button",
        class: "md-button dx-preset",
        "data-rates": p.join(","),
        "aria-label": t.presetLabel + list(p),
        text: list(p),
      });
      button.addEventListener("click", function () {
        self.inputs.kernel.value = "3";
        self.inputs.rates.value = p.join(", ");
        self.inputs.strides.value = "";
        self.update();
      });
      presets.appendChild(button);
    });

    var form = el("form", { class: "dx-controls", "aria-label": t.title }, [kernel.box, rates.box, strides.box, presets]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.update();
    });
    Object.keys(this.inputs).forEach(function (name) {
      self.inputs[name].addEventListener("input", function () {
        self.update();
      });
    });

    // Result region: message, configuration, map, numbers.
    this.message = el("p", { class: "dx-message", "data-dx": "message", hidden: "" });
    this.config = el("p", { class: "dx-config" });
    this.canvas = el("canvas", { class: "dx-map", role: "img", "data-dx": "map" });
    var figure = el("div", { class: "dx-figure" }, [this.canvas, el("p", { class: "dx-legend", text: t.legend })]);

    this.rf = el("span", { "data-dx": "rf" });
    this.side = el("span", { "data-dx": "side" });
    this.used = el("span", { "data-dx": "used" });
    this.span = el("span", { "data-dx": "span" });
    this.percent = el("span", { "data-dx": "percent" });
    this.holes = el("span", { "data-dx": "holes" });
    var summary = el("dl", { class: "dx-summary" }, [
      el("dt", { text: t.rf }),
      el("dd", {}, [this.rf, " (", this.side, ")"]),
      el("dt", { text: t.used }),
      el("dd", {}, [this.used, " / ", this.span, " (", this.percent, ")"]),
      el("dt", { text: t.holes }),
      el("dd", {}, [this.holes]),
    ]);

    this.tbody = el("tbody");
    var table = el("table", { class: "dx-layers" }, [
      el("caption", { text: t.tableCaption }),
      el("thead", {}, [
        el("tr", {}, [t.layer, t.rate, t.stride, t.keff, t.rfAfter].map(function (h) {
          return el("th", { scope: "col", text: h });
        })),
      ]),
      this.tbody,
    ]);

    this.gcd = el("span", { "data-dx": "gcd" });
    this.mList = el("span", { "data-dx": "m-values" });
    this.rule = el("span", { "data-dx": "rule" });
    this.groupList = el("span", { "data-dx": "groups" });
    this.verdict = el("strong", { "data-dx": "verdict" });
    this.reason = el("span", { "data-dx": "reason" });
    var hdc = el("dl", { class: "dx-hdc" }, [
      el("dt", { text: t.gcd }),
      el("dd", {}, [this.gcd]),
      el("dt", { text: t.mValues }),
      el("dd", {}, [this.mList]),
      el("dt", { text: t.rule }),
      el("dd", {}, [this.rule]),
      el("dt", { text: t.groups }),
      el("dd", {}, [this.groupList]),
      el("dt", { text: t.verdict }),
      el("dd", {}, [this.verdict, " ", this.reason]),
    ]);

    var numbers = el("div", { class: "dx-numbers" }, [summary, table]);
    var output = el("div", { class: "dx-output", "aria-live": "polite" }, [
      this.message,
      this.config,
      el("div", { class: "dx-body" }, [figure, numbers]),
      el("h3", { class: "dx-subtitle", text: t.hdc }),
      hdc,
    ]);
    this.root.appendChild(form);
    this.root.appendChild(output);
  };

  Explorer.prototype.update = function () {
    var parsed;
    try {
      parsed = parse(this.inputs.kernel.value, this.inputs.rates.value, this.inputs.strides.value);
      if (parsed.error) {
        this.showError(parsed);
        return;
      }
      this.show(analyse(parsed.k, parsed.rates, parsed.strides));
    } catch (err) {
      // Never let an unexpected input break the page: keep the last good picture.
      this.showError({ error: "generic" });
    }
  };

  Explorer.prototype.showError = function (e) {
    var text = errorMessage(this.t, e);
    if (this.last) text += " " + this.t.errors.kept;
    this.message.textContent = text;
    this.message.setAttribute("data-error", e.error);
    this.message.hidden = false;
    this.root.setAttribute("data-state", "error");
    var field = e.field || (e.error === "stridesLength" ? "strides" : "rates");
    var self = this;
    Object.keys(this.inputs).forEach(function (name) {
      if (name === field) self.inputs[name].setAttribute("aria-invalid", "true");
      else self.inputs[name].removeAttribute("aria-invalid");
    });
  };

  Explorer.prototype.show = function (a) {
    var t = this.t;
    this.last = a;
    this.message.hidden = true;
    this.message.textContent = "";
    this.message.removeAttribute("data-error");
    this.root.setAttribute("data-state", "ok");
    var self = this;
    Object.keys(this.inputs).forEach(function (name) {
      self.inputs[name].removeAttribute("aria-invalid");
    });

    this.config.textContent = t.config + "K = " + a.k + ", d = " + list(a.rates) + ", s = " + list(a.strides);
    this.rf.textContent = String(a.rf);
    this.side.textContent = a.line.length + " × " + a.line.length;
    this.used.textContent = String(a.used);
    this.span.textContent = String(a.span);
    this.percent.textContent = Math.round((100 * a.used) / a.span) + "%";
    this.holes.textContent = a.full ? t.no : t.yes;
    this.holes.setAttribute("data-value", a.full ? "false" : "true");

    this.tbody.textContent = "";
    for (var i = 0; i < a.rates.length; i++) {
      var row = el("tr", { "data-layer": String(i + 1) });
      [i + 1, a.rates[i], a.strides[i], a.keff[i], a.fields[i]].forEach(function (v) {
        row.appendChild(el("td", { text: String(v) }));
      });
      this.tbody.appendChild(row);
    }

    this.gcd.textContent = String(a.gcd);
    this.mList.textContent = "";
    if (a.m) {
      a.m.forEach(function (value, index) {
        if (index > 0) self.mList.appendChild(document.createTextNode(", "));
        var item = el("span", { class: "dx-m", "data-index": String(index + 2) }, [
          "M",
          el("sub", { text: String(index + 2) }),
          " = ",
          el("span", { "data-dx": "m", text: String(value) }),
        ]);
        self.mList.appendChild(item);
      });
      this.rule.textContent = a.ruleOk ? t.true_ : t.false_;
      this.rule.setAttribute("data-value", String(a.ruleOk));
    } else {
      this.mList.textContent = t.none;
      this.rule.textContent = t.none;
      this.rule.setAttribute("data-value", "none");
    }

    this.groupList.textContent = "";
    a.groups.forEach(function (g, index) {
      if (index > 0) self.groupList.appendChild(document.createTextNode(" "));
      self.groupList.appendChild(
        el("span", {
          class: "dx-group " + (g.ok ? "dx-ok" : "dx-bad"),
          "data-ok": String(g.ok),
          text: list(g.rates) + (g.ok ? " ✓" : " ✗"),
        }),
      );
    });
    this.groupList.setAttribute("data-value", String(a.groupsOk));

    this.verdict.textContent = t[a.verdict] + (a.verdict === "pass" ? " ✓" : a.verdict === "fail" ? " ✗" : "");
    this.verdict.setAttribute("data-value", a.verdict);
    this.verdict.className = "dx-verdict dx-" + a.verdict;
    var kind = a.reason[0];
    var text = t.reasons[kind].apply(null, a.reason.slice(1));
    if (a.mismatch) text += " " + t.reasons[a.mismatch];
    this.reason.textContent = text;
    this.reason.setAttribute("data-kind", kind);
    this.reason.setAttribute("data-mismatch", a.mismatch);

    this.canvas.setAttribute("aria-label", t.mapLabel(a.rf, a.used, a.span));
    this.canvas.setAttribute("data-line", a.line.join(","));
    this.draw();
  };

  Explorer.prototype.draw = function () {
    var a = this.last;
    if (!a) return;
    var canvas = this.canvas;
    var colours = PALETTE[scheme()];
    var n = a.line.length;
    var margin = 1;
    var cells = n + 2 * margin;
    var room = Math.min(280, canvas.parentNode.clientWidth || 280);
    var cell = Math.max(1, Math.floor(room / cells));
    var size = cell * cells;
    var ratio = window.devicePixelRatio || 1;
    canvas.style.width = size + "px";
    canvas.style.height = size + "px";
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    canvas.setAttribute("data-cell", String(cell));
    canvas.setAttribute("data-margin", String(margin));
    canvas.setAttribute("data-scheme", scheme());
    var ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);

    // Shade like the static figures: alpha 0.4 (fewest paths) to 1 (most paths), holes blank.
    var low = Infinity;
    var high = 0;
    a.line.forEach(function (v) {
      if (v > 0) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    });
    low *= low;
    high *= high;
    var rgb = colours.fill.join(", ");
    for (var y = 0; y < n; y++) {
      if (a.line[y] === 0) continue;
      for (var x = 0; x < n; x++) {
        if (a.line[x] === 0) continue;
        var v = a.line[y] * a.line[x];
        var alpha = high > low ? 0.4 + (0.6 * (v - low)) / (high - low) : 1;
        ctx.fillStyle = "rgba(" + rgb + ", " + alpha.toFixed(3) + ")";
        ctx.fillRect((x + margin) * cell, (y + margin) * cell, cell, cell);
      }
    }
    if (cell >= 4) {
      ctx.strokeStyle = colours.grid;
      ctx.lineWidth = cell >= 10 ? 0.8 : 0.4;
      ctx.beginPath();
      for (var g = 0; g <= cells; g++) {
        ctx.moveTo(g * cell, 0);
        ctx.lineTo(g * cell, size);
        ctx.moveTo(0, g * cell);
        ctx.lineTo(size, g * cell);
      }
      ctx.stroke();
    }
    ctx.strokeStyle = colours.frame;
    ctx.lineWidth = Math.max(1.5, Math.min(2.5, cell / 4));
    ctx.strokeRect(margin * cell, margin * cell, n * cell, n * cell);
    var centre = size / 2;
    var arm = Math.max(4, Math.min(8, cell));
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(centre - arm, centre);
    ctx.lineTo(centre + arm, centre);
    ctx.moveTo(centre, centre - arm);
    ctx.lineTo(centre, centre + arm);
    ctx.stroke();
  };

  function init() {
    var root = document.getElementById("dilation-explorer");
    if (!root || root.getAttribute("data-ready") === "true") return;
    var lang = (document.documentElement.lang || "en").toLowerCase();
    var explorer = new Explorer(root, lang.indexOf("zh") === 0 ? TEXT.zh : TEXT.en);
    root.hidden = false;
    root.setAttribute("data-ready", "true");
    explorer.update();
    // Redraw when the reader switches light/dark mode or the column changes width.
    if (window.MutationObserver && document.body) {
      new MutationObserver(function () {
        explorer.draw();
      }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    }
    var width = root.clientWidth;
    window.addEventListener("resize", function () {
      if (root.clientWidth !== width) {
        width = root.clientWidth;
        explorer.draw();
      }
    });
  }

  // Build the explorer on demand: when it comes near the viewport (a reader scrolls to it or
  // follows a link to it), not at load, so its work is not part of loading the page.
  function start() {
    var root = document.getElementById("dilation-explorer");
    var near = root && root.parentElement;
    if (!near || !window.IntersectionObserver) return init();
    var observer = new IntersectionObserver(
      function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        observer.disconnect();
        init();
      },
      { rootMargin: "400px 0px" }
    );
    observer.observe(near);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
