import type { Phrasebook } from './types.ts';

export const fr: Phrasebook = {
  customer: {
    question: [
      'Bonjour ! Le {product} est compatible avec Android ?',
      'Le magasin de {city} ferme à quelle heure aujourd’hui ?',
      'Comment activer la garantie du {product} ?',
    ],
    technical_issue: [
      'L’appli {brand} plante dès que j’ouvre le panier',
      'Mon {product} ne s’allume plus après la mise à jour 😩',
      'Impossible de me connecter depuis hier, "erreur 500"',
    ],
    order: [
      'Commande {order} toujours pas arrivée après {days} jours, elle est où ?',
      'Vous m’avez débité deux fois la commande {order} !!',
      'Retour fait il y a {days} jours et toujours pas de remboursement',
    ],
    pre_purchase: [
      'J’hésite à prendre le {product}, la batterie tient combien de temps ?',
      'Paiement en plusieurs fois possible pour le {product} ?',
      'Le {product} existe en noir ?',
    ],
    complaint: [
      'Service client inexistant. {days} jours sans réponse. Honteux',
      'Plus jamais {brand}',
      'Mon {product} est cassé après deux semaines. Argent jeté 😡',
    ],
    praise: [
      'Le {product} est génial, je l’adore ❤️',
      'Merci {brand} ! Livraison ultra rapide',
      'SAV au top, réglé en 5 minutes 👍',
    ],
    spam: [
      'Gagnez 500€ par jour depuis chez vous !!! Écrivez-moi 💰',
      'SUIVEZ @{handle} pour des followers gratuits 🔥',
    ],
    abuse: ['Bande de voleurs et d’escrocs', 'Incompétents, qui vous a embauchés ??'],
    other: ['Qui va au concert {brand} à {city} ce soir ? 🎶', 'Jolie pub !'],
  },
  nudge: ['??', 'Allô ?', 'Toujours pas de réponse...', 'J’attends toujours 🙄'],
  thanks: ['Merci beaucoup, c’est réglé !', 'Parfait, merci 🙏', 'Tout est ok maintenant, merci'],
  unhappy: ['Ça ne m’aide pas du tout', 'Réponse copiée-collée, merci pour rien'],
  followUp: ['Et ça prend encore combien de temps ?', 'Ok, et le remboursement ?', 'C’est fait, et maintenant ?'],
  reopen: ['Désolé mais le problème est revenu', 'Encore la même erreur 😤'],
  editTail: [' (EDIT : fautes de frappe)', ' EDIT : commande {order}'],
  crisis: {
    outage: [
      'Appli {brand} encore en panne ?? #{brand}down',
      'Plus rien ne marche depuis ce matin, {brand} que se passe-t-il ?',
    ],
    delivery_delays: [
      'Commandes bloquées depuis une semaine, {brand} honte à vous',
      'Retards pour tout le monde et aucune info',
    ],
    price_increase: ['Hausse de 20% sans prévenir ? Je résilie', 'Adieu {brand}, trop cher'],
    data_breach: [
      'Je reçois du phishing avec ma commande, vous avez perdu nos données ??',
      'Fuite de données et aucun communiqué. Honteux',
    ],
    bad_campaign: ['Cette pub est choquante, retirez-la', 'Qui a validé ce spot ? Gênant'],
  },
  brand: {
    reply: {
      question: ['Bonjour ! Oui, il est compatible 🙂', 'Bonjour, nous vous avons écrit en privé.'],
      technical_issue: [
        'Bonjour, désolés ! Redémarrez l’appli et écrivez-nous en privé.',
        'Bonjour, nous vérifions. Pouvez-vous nous donner la version de l’appli ?',
      ],
      order: [
        'Bonjour, désolés pour le retard ! Envoyez-nous votre numéro de commande en privé.',
        'Bonjour, votre colis sera livré demain.',
      ],
      pre_purchase: [
        'Bonjour ! La batterie tient environ deux jours 🔋',
        'Bonjour, oui : paiement en 3 fois sans frais.',
      ],
      complaint: [
        'Nous sommes vraiment désolés. Écrivez-nous en privé pour régler ça.',
        'Bonjour, nous comprenons votre colère. Nous vous contactons.',
      ],
      praise: ['Merci beaucoup ! ❤️', 'Ravi de lire ça, merci ! 😊'],
      other: ['Merci pour le commentaire ! 😊'],
    },
    crisis: [
      'Bonjour, nous sommes au courant du problème et travaillons dessus.',
      'Désolés pour la gêne : l’équipe technique est mobilisée.',
    ],
    followUp: ['Bonjour, comptez encore 2-3 jours ouvrés.', 'Oui, l’email de confirmation suffit.'],
    escalated: ['Bonjour, je fais partie de l’équipe experte : nous prenons votre dossier.'],
    bot: ['Merci pour votre message ! Un conseiller vous répondra au plus vite.'],
  },
  slang: ['mdr', 'grave', 'franchement', 'bref', 'ptdr'],
};
