/* reclaim — progressive enhancement only: every page works without this script.
 *
 * 1. Times printed by the server as "YYYY-MM-DD HH:MM UTC" are shown in the reader's time zone
 *    (the UTC time stays in the title).
 * 2. Deadlines that carry the zone of the clock that runs them (data-due, data-zone) get a line
 *    saying when the day ends there, in the reader's time.
 * 3. Tables with at least two rows get sortable column headers; tables with more than five rows
 *    get a filter box.
 */
(function () {
  'use strict';

  var main = document.getElementById('main') || document.querySelector('main');
  if (!main || !window.Intl || !document.createTreeWalker) {
    return;
  }

  // ---- Dates and times ---------------------------------------------------------------------

  /** Short name of a zone at an instant ("CET", "GMT+1"); '' if the browser has none. */
  function zoneName(ms, timeZone) {
    try {
      var options = { timeZoneName: 'short' };
      if (timeZone) {
        options.timeZone = timeZone;
      }
      var parts = new Intl.DateTimeFormat(undefined, options).formatToParts(new Date(ms));
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === 'timeZoneName') {
          return parts[i].value;
        }
      }
    } catch (e) {
      /* unknown zone */
    }
    return '';
  }

  var localDateTime = (function () {
    try {
      return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    } catch (e) {
      return new Intl.DateTimeFormat(undefined, {
        year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'
      });
    }
  })();

  /** "23 Nov 2026, 10:00 CET" in the reader's locale and zone. */
  function showLocal(ms) {
    var zone = zoneName(ms);
    return localDateTime.format(new Date(ms)) + (zone ? ' ' + zone : '');
  }

  var SKIP = /^(SCRIPT|STYLE|TEXTAREA|OPTION|SELECT|TIME|CODE|PRE|KBD|SAMP|INPUT|BUTTON)$/;
  var UTC_TIME = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC/g;

  /** Wraps every "YYYY-MM-DD HH:MM UTC" text in main in a <time> showing the local time. */
  function localTimes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var p = node.parentNode; p && p !== root; p = p.parentNode) {
          if (SKIP.test(p.nodeName)) {
            return NodeFilter.FILTER_REJECT;
          }
        }
        UTC_TIME.lastIndex = 0;
        return UTC_TIME.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    var nodes = [];
    while (walker.nextNode()) {
      nodes.push(walker.currentNode);
    }
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var fragment = document.createDocumentFragment();
      var last = 0;
      var m;
      UTC_TIME.lastIndex = 0;
      while ((m = UTC_TIME.exec(text)) !== null) {
        var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
        if (isNaN(ms)) {
          continue;
        }
        fragment.appendChild(document.createTextNode(text.slice(last, m.index)));
        var time = document.createElement('time');
        time.setAttribute('datetime', m[1] + '-' + m[2] + '-' + m[3] + 'T' + m[4] + ':' + m[5] + 'Z');
        time.title = m[0];
        time.className = 'local-time';
        time.textContent = showLocal(ms);
        fragment.appendChild(time);
        last = m.index + m[0].length;
      }
      fragment.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(fragment, node);
    });
  }

  /** The wall-clock time in `timeZone` at an instant, read as if it were UTC (ms). */
  function wallClock(ms, timeZone) {
    var parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric'
    }).formatToParts(new Date(ms));
    var v = {};
    parts.forEach(function (p) {
      v[p.type] = parseInt(p.value, 10);
    });
    return Date.UTC(v.year, v.month - 1, v.day, v.hour % 24, v.minute, v.second);
  }

  /** The instant at which the clock in `timeZone` shows y-m-d h:mi. The zone's offset is found
   * by iterating: guess, read the offset there, correct (twice more across a DST change). */
  function instantOf(y, m, d, h, mi, timeZone) {
    var wall = Date.UTC(y, m - 1, d, h, mi);
    var t = wall;
    for (var i = 0; i < 3; i++) {
      var offset = wallClock(t, timeZone) - Math.floor(t / 1000) * 1000;
      t = wall - offset;
    }
    return t;
  }

  /** Under each due date kept in a zone: "ends 23:59 Geneva time = Tue 8 Dec, 23:59 your time (CET)". */
  function dueZones(root) {
    var mine = '';
    try {
      mine = new Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch (e) {
      /* no zone */
    }
    var cells = root.querySelectorAll('[data-due][data-zone]');
    Array.prototype.forEach.call(cells, function (cell) {
      var due = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell.getAttribute('data-due'));
      var zone = cell.getAttribute('data-zone');
      var city = cell.getAttribute('data-zone-city') || zone;
      // Done, met or cancelled deadlines need no reminder of when the day ends.
      if (!due || cell.closest('.urgency-closed')) {
        return;
      }
      var text;
      var at;
      try {
        at = instantOf(+due[1], +due[2], +due[3], 23, 59, zone);
        var time = { hour: '2-digit', minute: '2-digit' };
        var there = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, time)).format(at);
        var here = new Intl.DateTimeFormat(undefined, time).format(at);
        var name = zoneName(at);
        var sameWall = wallClock(at, zone) === wallClock(at, mine || 'UTC');
        if (mine === zone) {
          text = 'ends ' + there + ' ' + city + ' time (your time zone too)';
        } else if (mine && sameWall) {
          text = 'ends ' + there + ' ' + city + ' time, the same as your time' + (name ? ' (' + name + ')' : '');
        } else {
          var day = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' }).format(at);
          text = 'ends ' + there + ' ' + city + ' time = ' + day + ', ' + here + ' your time' + (name ? ' (' + name + ')' : '');
        }
      } catch (e) {
        return; // a zone this browser does not know: the date alone stays
      }
      var note = document.createElement('time');
      note.className = 'zone-note';
      note.setAttribute('datetime', new Date(at).toISOString().slice(0, 16) + 'Z');
      note.textContent = text;
      var strong = cell.querySelector('strong');
      var after = strong ? strong.nextSibling : null;
      cell.insertBefore(document.createElement('br'), after);
      cell.insertBefore(note, after);
    });
  }

  // ---- Tables ------------------------------------------------------------------------------

  var MONTHS = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/;
  var TEXT_DATE = /^(?:[A-Za-z]{3},? )?(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})/;
  var NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$/;
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  /** Text a reader sees in an element, without the choices of a select or a textarea's text. */
  function textOf(el) {
    var out = '';
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        out += n.nodeValue;
      } else if (n.nodeType === 1 && !/^(SELECT|OPTION|TEXTAREA|SCRIPT|STYLE|DATALIST)$/.test(n.nodeName)) {
        out += ' ' + textOf(n) + ' ';
      }
    }
    return out;
  }

  function clean(s) {
    return s.replace(/\s+/g, ' ').trim();
  }

  /** Lower case without accents, for matching. */
  function fold(s) {
    s = s.toLocaleLowerCase();
    return s.normalize ? s.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : s;
  }

  function asDate(s) {
    var m = ISO_DATE.exec(s);
    if (m) {
      return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0));
    }
    m = TEXT_DATE.exec(s);
    if (m && MONTHS.hasOwnProperty(m[2].toLowerCase())) {
      return Date.UTC(+m[3], MONTHS[m[2].toLowerCase()], +m[1]);
    }
    return null;
  }

  function asNumber(s) {
    var t = s.replace(/^[A-Z]{3} /, '').replace(/\s/g, '');
    if (!NUMBER.test(t)) {
      return null;
    }
    return parseFloat(t.replace(/[,%+]/g, ''));
  }

  /** The cell of a row that covers column `col` (counting colspans). */
  function cellAt(row, col) {
    var at = 0;
    for (var i = 0; i < row.cells.length; i++) {
      var span = row.cells[i].colSpan || 1;
      if (col < at + span) {
        return at === col && span === 1 ? row.cells[i] : null;
      }
      at += span;
    }
    return null;
  }

  /** What a cell sorts by: an explicit data-sort or data-due, a <time>, else its text. */
  function sortText(cell) {
    if (!cell) {
      return '';
    }
    if (cell.hasAttribute('data-sort')) {
      return cell.getAttribute('data-sort');
    }
    if (cell.hasAttribute('data-due')) {
      return cell.getAttribute('data-due');
    }
    var first = clean(textOf(cell));
    var time = cell.querySelector('time[datetime]');
    if (time && first.indexOf(clean(time.textContent)) === 0) {
      return time.getAttribute('datetime');
    }
    return first;
  }

  /** Rows in groups: a row with class row-detail belongs to the row above it. */
  function groupsOf(tbody) {
    var groups = [];
    Array.prototype.forEach.call(tbody.rows, function (row) {
      if (row.classList.contains('row-detail') && groups.length) {
        groups[groups.length - 1].rows.push(row);
      } else {
        groups.push({ rows: [row], index: groups.length });
      }
    });
    return groups;
  }

  var tableCount = 0;

  function enhanceTable(table) {
    var thead = table.tHead;
    var tbody = table.tBodies[0];
    if (!thead || !tbody || !thead.rows.length) {
      return;
    }
    var groups = groupsOf(tbody);
    if (groups.length < 2) {
      return;
    }
    tableCount += 1;
    makeSortable(table, thead.rows[thead.rows.length - 1], tbody, groups);
    if (groups.length > 5) {
      addFilter(table, tbody, groups);
    }
  }

  function makeSortable(table, headRow, tbody, groups) {
    var col = 0;
    var headers = [];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var span = th.colSpan || 1;
      var column = col;
      col += span;
      if (span !== 1 || th.hasAttribute('data-nosort') || !clean(th.textContent)) {
        return;
      }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      var icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.appendChild(icon);
      th.appendChild(button);
      headers.push(th);
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        sortBy(tbody, groups, column, ascending);
      });
    });
  }

  function sortBy(tbody, groups, column, ascending) {
    var keys = groups.map(function (g) {
      return sortText(cellAt(g.rows[0], column));
    });
    var filled = keys.filter(function (k) {
      return k !== '';
    });
    var kind = 'text';
    if (filled.length && filled.every(function (k) { return asDate(k) !== null; })) {
      kind = 'date';
    } else if (filled.length && filled.every(function (k) { return asNumber(k) !== null; })) {
      kind = 'number';
    }
    var values = keys.map(function (k) {
      if (k === '') {
        return null;
      }
      return kind === 'date' ? asDate(k) : kind === 'number' ? asNumber(k) : k;
    });
    var order = groups.map(function (g, i) {
      return i;
    });
    var sign = ascending ? 1 : -1;
    order.sort(function (a, b) {
      var x = values[a];
      var y = values[b];
      if (x === null || y === null) {
        // Empty cells last, whichever the direction.
        return x === y ? groups[a].index - groups[b].index : x === null ? 1 : -1;
      }
      var c = kind === 'text' ? collator.compare(x, y) : x - y;
      return c !== 0 ? sign * c : groups[a].index - groups[b].index;
    });
    var fragment = document.createDocumentFragment();
    order.forEach(function (i) {
      groups[i].rows.forEach(function (row) {
        fragment.appendChild(row);
      });
    });
    tbody.appendChild(fragment);
  }

  /** The heading just above a table, to tell filters apart ("Filter this table: Deadlines"). */
  function headingBefore(el) {
    for (var n = el.previousElementSibling; n; n = n.previousElementSibling) {
      if (/^H[1-6]$/.test(n.nodeName)) {
        return clean(n.textContent);
      }
      var inner = n.querySelectorAll ? n.querySelectorAll('h1, h2, h3, h4, h5, h6') : [];
      if (inner.length) {
        return clean(inner[inner.length - 1].textContent);
      }
    }
    return el.parentElement && el.parentElement !== main ? headingBefore(el.parentElement) : '';
  }

  function addFilter(table, tbody, groups) {
    var anchor = table.parentElement && table.parentElement.classList.contains('table-wrap') ? table.parentElement : table;
    var id = 'table-filter-' + tableCount;
    var box = document.createElement('div');
    box.className = 'table-filter';
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Filter this table';
    var about = headingBefore(anchor);
    if (about) {
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ': ' + about;
      label.appendChild(hidden);
    }
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    input.autocomplete = 'off';
    input.spellcheck = false;
    if (table.id) {
      input.setAttribute('aria-controls', table.id);
    }
    var count = document.createElement('span');
    count.className = 'table-filter-count';
    count.setAttribute('aria-live', 'polite');
    var total = groups.length;
    var rowsWord = function (n) {
      return n === 1 ? 'row' : 'rows';
    };
    count.textContent = total + ' ' + rowsWord(total);
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    anchor.parentNode.insertBefore(box, anchor);

    // What a row is found by: its text, and the UTC form of the times it shows.
    var texts = groups.map(function (g) {
      var utc = Array.prototype.map.call(g.rows[0].querySelectorAll('time[title]'), function (t) {
        return t.title;
      });
      return fold(clean(textOf(g.rows[0]) + ' ' + utc.join(' ')));
    });
    var pending = null;
    input.addEventListener('input', function () {
      var words = fold(clean(input.value)).split(' ').filter(Boolean);
      var shown = 0;
      groups.forEach(function (g, i) {
        var match = words.every(function (w) {
          return texts[i].indexOf(w) !== -1;
        });
        if (match) {
          shown += 1;
        }
        g.rows.forEach(function (row) {
          row.hidden = !match;
        });
      });
      // The count is announced; wait until typing pauses so it is read once.
      clearTimeout(pending);
      pending = setTimeout(function () {
        count.textContent = words.length ? shown + ' of ' + total + ' ' + rowsWord(total) : total + ' ' + rowsWord(total);
      }, 350);
    });
  }

  // On a phone each row is shown as a small card: every cell says which column it is.
  function labelCells(table) {
    var thead = table.tHead;
    if (!thead || !thead.rows.length) {
      return;
    }
    var names = Array.prototype.map.call(thead.rows[thead.rows.length - 1].cells, function (th) {
      return clean(th.textContent);
    });
    table.classList.add('stack-on-phone');
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && names[col] && !cell.hasAttribute('data-label')) {
            cell.setAttribute('data-label', names[col]);
          }
          col += cell.colSpan;
        });
      });
    });
  }

  function run() {
    localTimes(main);
    dueZones(main);
    Array.prototype.forEach.call(main.querySelectorAll('table'), function (table) {
      labelCells(table);
      enhanceTable(table);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', run);
  } else {
    run();
  }
})();
