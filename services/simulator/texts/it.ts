import type { Phrasebook } from './types.ts';

/** Italian: the primary market, the richest set. */
export const it: Phrasebook = {
  customer: {
    question: [
      'Ciao! Ma il {product} è compatibile con iPhone?',
      'Scusate, a che ora chiude il negozio di {city} oggi?',
      'Qualcuno sa come si attiva la garanzia del {product}?',
      'Buongiorno, il {product} si può ritirare in negozio?',
      'Domanda: fate spedizioni anche in Svizzera?',
      'ma il codice sconto vale anche sui saldi?',
      'Come faccio a cambiare l’indirizzo email del mio account?',
    ],
    technical_issue: [
      'L’app {brand} crasha ogni volta che apro il carrello, aiuto',
      'Il {product} non si accende più dopo l’aggiornamento 😩',
      'Non riesco a fare il login da ieri, mi dice "errore 500"',
      'il {product} si disconnette dal wifi ogni 10 minuti, normale??',
      'Ho aggiornato il firmware e adesso il {product} è lentissimo',
      'App bloccata sulla schermata di caricamento, ho già reinstallato 3 volte',
      'Il pagamento con carta non va, dice transazione rifiutata ma la carta funziona ovunque',
    ],
    order: [
      'Ordine {order} ancora non arrivato dopo {days} giorni, dove è finito?',
      'Il corriere dice consegnato ma a casa non c’è niente 🤔 ordine {order}',
      'Mi avete addebitato due volte lo stesso ordine {order}!!',
      'Ho chiesto il reso {days} giorni fa e il rimborso non è ancora arrivato',
      'Il pacco è arrivato danneggiato, il {product} ha lo schermo rotto',
      'Fattura sbagliata sull’ordine {order}, come la faccio correggere?',
      'tracking fermo da {days} giorni, ordine {order}. qualcuno mi risponde?',
    ],
    pre_purchase: [
      'Sto pensando di prendere il {product}, quanto dura la batteria davvero?',
      'Il {product} torna disponibile prima di Natale?',
      'Meglio il {product} o il modello dell’anno scorso? Consigli?',
      'Fate il pagamento a rate sul {product}?',
      'C’è la versione nera del {product}? Sul sito non la trovo',
      'Se lo ordino oggi arriva entro venerdì a {city}?',
    ],
    complaint: [
      'Servizio clienti inesistente. Aspetto una risposta da {days} giorni. Vergogna',
      'Mai più {brand}. Prodotto scadente e assistenza peggio',
      'Ma è possibile che nessuno risponda al telefono?? Ridicoli',
      'Il {product} si è rotto dopo due settimane. Soldi buttati 😡',
      'Pessima esperienza, mi avete trattato malissimo nel negozio di {city}',
      'Sono cliente da anni e mi trattate così? Delusissimo',
      'Prezzi aumentati e qualità diminuita, complimenti {brand} 👏👏',
    ],
    praise: [
      'Il {product} è fantastico, lo adoro ❤️',
      'Grazie {brand}! Consegna velocissima, arrivato in un giorno',
      'Assistenza top, mi hanno risolto tutto in 5 minuti 👍',
      'Comprato il {product} per mia madre, felicissima!',
      'Finalmente un’app che funziona bene, brava {brand}',
      'Il negozio di {city} ha del personale gentilissimo, grazie!',
    ],
    spam: [
      'Guadagna 500€ al giorno da casa!!! Scrivimi in DM 💰💰',
      'SEGUI @{handle} per follower gratis 🔥🔥🔥',
      'Vinci un iPhone gratis clicca qui bit.ly/x{order}',
      'Investi in crypto con me, rendimento garantito del 30% 🚀',
    ],
    abuse: [
      'Siete dei ladri e dei truffatori, andate a quel paese',
      'Incompetenti del ca**o, chi vi ha assunto??',
      'Spero che falliate tutti, buffoni',
    ],
    other: [
      'Chi c’è al concerto di {brand} a {city} stasera? 🎶',
      'Bella la nuova pubblicità!',
      '@{handle} guarda qua',
      'Primo!',
    ],
  },
  nudge: [
    '??',
    'Ci siete?',
    'Ancora nessuna risposta...',
    'Up',
    'Qualcuno mi risponde per favore?',
    'Sto ancora aspettando 🙄',
  ],
  thanks: [
    'Grazie mille, risolto!',
    'Perfetto, grazie 🙏',
    'Gentilissimi, tutto ok ora',
    'Ok grazie, arrivato!',
    'Top, grazie per la pazienza',
  ],
  unhappy: [
    'Non mi avete aiutato per niente',
    'Risposta preconfezionata, grazie a niente',
    'Questo l’avevo già provato, non funziona',
  ],
  followUp: [
    'E quanto ci vuole ancora?',
    'Ok, e per il rimborso?',
    'Devo mandare anche lo scontrino?',
    'Fatto, e adesso?',
  ],
  reopen: [
    'Scusate ma il problema è tornato',
    'Di nuovo lo stesso errore di prima 😤',
    'Il rimborso non è mai arrivato, riapro',
  ],
  editTail: [
    ' (EDIT: scusate gli errori)',
    ' EDIT: ordine {order}',
    ' — aggiornamento: ancora niente',
    ' EDIT: risolto da solo',
  ],
  crisis: {
    outage: [
      'App {brand} down di nuovo?? #{brand}down',
      'Non funziona niente da stamattina, {brand} cosa succede?',
      'Sito e app KO, non riesco a pagare 😡 #{brand}down',
    ],
    delivery_delays: [
      'Ordini fermi da una settimana, {brand} vergognatevi',
      'Anche voi ordine bloccato? Sono il decimo oggi #{brand}',
      'Consegne in ritardo per tutti, nessuno avvisa. Ridicoli',
    ],
    price_increase: [
      'Aumento del 20% senza avvisare? Disdico subito',
      'Ma che prezzi sono? {brand} avete perso la testa',
      'Addio {brand}, troppo cari ormai #boicotta{brand}',
    ],
    data_breach: [
      'Mi arrivano email di phishing col mio ordine, avete perso i nostri dati??',
      'Data breach e nessuna comunicazione ufficiale. Vergogna {brand}',
      'Cambiate subito la password, {brand} è stata bucata 😱',
    ],
    bad_campaign: [
      'Questa pubblicità è offensiva, ritiratela',
      'Chi ha approvato lo spot? Imbarazzante #{brand}',
      'Non compro più {brand} dopo questo spot',
    ],
  },
  brand: {
    reply: {
      question: [
        'Ciao! Sì, è compatibile 🙂 Trovi tutti i dettagli sul nostro sito.',
        'Ciao, ti abbiamo scritto in DM con tutte le info!',
        'Ciao! Il negozio di {city} è aperto fino alle 20:00.',
      ],
      technical_issue: [
        'Ciao, ci dispiace! Prova a riavviare l’app e scrivici in DM il modello del telefono.',
        'Ciao, stiamo verificando. Ci mandi in privato la versione dell’app?',
        'Ciao! Prova a fare il reset dalle impostazioni, se non va ti aiutiamo in DM.',
      ],
      order: [
        'Ciao, ci scusiamo per il ritardo! Ci scrivi in DM il numero d’ordine?',
        'Ciao, abbiamo controllato: il pacco è in consegna domani.',
        'Ciao, abbiamo aperto una pratica per il rimborso, riceverai una email.',
      ],
      pre_purchase: [
        'Ciao! La batteria dura circa due giorni con uso normale 🔋',
        'Ciao, sì: pagamento in 3 rate senza interessi!',
        'Ciao! Torna disponibile la prossima settimana.',
      ],
      complaint: [
        'Ci dispiace molto per l’esperienza. Ci scrivi in DM così risolviamo?',
        'Ciao, hai ragione ad essere arrabbiato. Ti contattiamo subito in privato.',
        'Ci scusiamo, abbiamo girato la segnalazione al team. Ti aggiorniamo a breve.',
      ],
      praise: ['Grazie mille! ❤️', 'Che bello leggerlo, grazie! 😊', 'Grazie a te per averci scelto!'],
      other: ['Grazie del commento! 😊'],
    },
    crisis: [
      'Ciao, siamo a conoscenza del problema e ci stiamo lavorando. Aggiornamenti a breve.',
      'Ci scusiamo per il disagio: il team tecnico è al lavoro. Ti aggiorniamo qui.',
    ],
    followUp: [
      'Ciao, ci vogliono ancora 2-3 giorni lavorativi.',
      'Sì, basta la email di conferma.',
      'Perfetto, abbiamo tutto. Ti aggiorniamo entro domani.',
    ],
    escalated: [
      'Ciao, sono del team specialistico: abbiamo preso in carico il tuo caso.',
      'Ciao, il tuo caso è passato al secondo livello, ti contattiamo oggi.',
    ],
    bot: [
      'Grazie per averci scritto! Un operatore ti risponderà al più presto.',
      'Messaggio ricevuto 🤖 Orari assistenza: lun-ven 9-18.',
    ],
  },
  slang: ['raga', 'boh', 'cmq', 'nn', 'xké', 'davvero assurdo', 'mah', 'oddio'],
};
