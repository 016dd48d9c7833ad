import type { Phrasebook } from './types.ts';

export const de: Phrasebook = {
  customer: {
    question: [
      'Hallo! Ist das {product} mit Android kompatibel?',
      'Wann schließt der Laden in {city} heute?',
      'Wie aktiviere ich die Garantie für das {product}?',
    ],
    technical_issue: [
      'Die {brand} App stürzt jedes Mal ab, wenn ich den Warenkorb öffne',
      'Mein {product} geht nach dem Update nicht mehr an 😩',
      'Kann mich seit gestern nicht einloggen, "Fehler 500"',
    ],
    order: [
      'Bestellung {order} nach {days} Tagen immer noch nicht da, wo ist sie?',
      'Ihr habt die Bestellung {order} zweimal abgebucht!!',
      'Retoure vor {days} Tagen geschickt und immer noch keine Erstattung',
    ],
    pre_purchase: [
      'Überlege das {product} zu kaufen, wie lange hält der Akku wirklich?',
      'Gibt es Ratenzahlung für das {product}?',
      'Gibt es das {product} auch in Schwarz?',
    ],
    complaint: [
      'Kundenservice unterirdisch. Seit {days} Tagen keine Antwort. Peinlich',
      'Nie wieder {brand}',
      'Mein {product} ist nach zwei Wochen kaputt. Geld verbrannt 😡',
    ],
    praise: [
      'Das {product} ist super, ich liebe es ❤️',
      'Danke {brand}! Blitzschnelle Lieferung',
      'Support top, in 5 Minuten gelöst 👍',
    ],
    spam: ['Verdiene 500€ am Tag von zu Hause!!! Schreib mir 💰', 'FOLGT @{handle} für gratis Follower 🔥'],
    abuse: ['Ihr seid Betrüger und Diebe', 'Unfähige Idioten, wer hat euch eingestellt??'],
    other: ['Wer ist heute beim {brand} Konzert in {city}? 🎶', 'Coole neue Werbung!'],
  },
  nudge: ['??', 'Hallo?', 'Immer noch keine Antwort...', 'Warte immer noch 🙄'],
  thanks: ['Vielen Dank, gelöst!', 'Perfekt, danke 🙏', 'Alles gut jetzt, danke'],
  unhappy: ['Das hilft mir überhaupt nicht', 'Standardantwort, danke für nichts'],
  followUp: ['Und wie lange dauert es noch?', 'Ok, und die Erstattung?', 'Erledigt, und jetzt?'],
  reopen: ['Sorry, aber das Problem ist zurück', 'Schon wieder derselbe Fehler 😤'],
  editTail: [' (EDIT: Tippfehler)', ' EDIT: Bestellung {order}'],
  crisis: {
    outage: ['{brand} App schon wieder down?? #{brand}down', 'Seit heute Morgen geht nichts, {brand} was ist los?'],
    delivery_delays: [
      'Bestellungen hängen seit einer Woche fest, {brand} schämt euch',
      'Verspätungen für alle und keiner sagt was',
    ],
    price_increase: ['20% teurer ohne Ankündigung? Ich kündige', 'Tschüss {brand}, viel zu teuer'],
    data_breach: [
      'Ich bekomme Phishing-Mails mit meiner Bestellung, habt ihr unsere Daten verloren??',
      'Datenleck und keine Stellungnahme. Peinlich',
    ],
    bad_campaign: ['Diese Werbung ist beleidigend, nehmt sie raus', 'Wer hat diesen Spot freigegeben? Peinlich'],
  },
  brand: {
    reply: {
      question: ['Hallo! Ja, es ist kompatibel 🙂', 'Hallo, wir haben dir per DM geschrieben.'],
      technical_issue: [
        'Hallo, das tut uns leid! Starte die App neu und schreib uns per DM.',
        'Hallo, wir prüfen das. Schickst du uns die App-Version?',
      ],
      order: [
        'Hallo, sorry für die Verzögerung! Schick uns die Bestellnummer per DM.',
        'Hallo, dein Paket wird morgen zugestellt.',
      ],
      pre_purchase: ['Hallo! Der Akku hält etwa zwei Tage 🔋', 'Hallo, ja: 3 zinsfreie Raten.'],
      complaint: [
        'Das tut uns sehr leid. Schreib uns per DM, wir lösen das.',
        'Hallo, wir verstehen deinen Ärger. Wir melden uns sofort.',
      ],
      praise: ['Vielen Dank! ❤️', 'Schön zu hören, danke! 😊'],
      other: ['Danke für den Kommentar! 😊'],
    },
    crisis: [
      'Hallo, das Problem ist bekannt und wir arbeiten daran.',
      'Sorry für die Umstände: das Technik-Team ist dran.',
    ],
    followUp: ['Hallo, es dauert noch 2-3 Werktage.', 'Ja, die Bestätigungsmail reicht.'],
    escalated: ['Hallo, ich bin vom Spezialisten-Team: wir kümmern uns um deinen Fall.'],
    bot: ['Danke für deine Nachricht! Ein Mitarbeiter antwortet so schnell wie möglich.'],
  },
  slang: ['krass', 'digga', 'lol', 'echt jetzt', 'mega'],
};
